package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.amtl.spark.SparkTestSupport;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The job's own session: Kryo with registration, and Spark's page size the job's unless the user set one. */
class SessionDefaultsTest {
  private static final Map<String, String> LOCAL = Map.of("spark.master", "local[1]", "spark.ui.enabled", "false",
      "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1");

  @Test
  void pageSizeIsTheJobsUnlessSet() {
    assertEquals(JobSession.PAGE_SIZE, pageSizeWith(Map.of()));
    assertEquals("2m", pageSizeWith(Map.of("spark.buffer.pageSize", "2m")), "a user's setting is kept");
  }

  // the session's page size when these spark.* system properties are set (as spark-submit sets them)
  private static String pageSizeWith(Map<String, String> given) {
    Map<String, String> all = new java.util.HashMap<>(LOCAL);
    all.putAll(given);
    all.forEach(System::setProperty);
    SparkSession spark = null;
    try {
      spark = JobSession.session("amtl-session-test");
      assertEquals("true", spark.sparkContext().getConf().get("spark.kryo.registrationRequired"));
      return spark.sparkContext().getConf().get("spark.buffer.pageSize");
    } finally {
      if (spark != null) {
        SparkTestSupport.stop(spark);
      }
      all.keySet().forEach(System::clearProperty);
    }
  }
}

package org.amtl.spark;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Base of the test classes that share one local[2] session (configured as the job's) and a temporary folder. */
public abstract class LocalSparkTest {
  protected static SparkSession spark;
  @TempDir
  protected static Path dir;

  @BeforeAll
  protected static void startSpark() {
    spark = SparkTestSupport.session("local[2]");
  }

  @AfterAll
  protected static void stopSpark() {
    SparkTestSupport.stop(spark);
  }
}

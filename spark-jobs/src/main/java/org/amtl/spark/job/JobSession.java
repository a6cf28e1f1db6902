package org.amtl.spark.job;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark session every job of this project runs on: Kryo with registration required, and small memory pages. */
public final class JobSession {
  /**
   * Spark's memory page for sorts and hash aggregations unless one is set: Spark sizes it from the executor's heap
   * per core (64 MB for 2 GB and one core), and the count and the layout hold two or three pages per task however
   * little they fill; 8 MB pages hold the same rows in a fraction of that (a map or a sort grows by pages).
   */
  public static final String PAGE_SIZE = "8m";

  private JobSession() {}

  /** The active session, or a new one as {@link #builder} configures it (local[*] when no master is set). */
  public static SparkSession session(String appName) {
    SparkSession.Builder b = builder(appName);
    if (!new SparkConf().contains("spark.master")) { // spark-submit's settings and -Dspark.*
      b.master("local[*]");
    }
    return b.getOrCreate();
  }

  /**
   * The job's session settings: Kryo with registration required, and {@link #PAGE_SIZE} as
   * {@code spark.buffer.pageSize} unless spark-submit or a {@code -Dspark.*} property sets one.
   */
  public static SparkSession.Builder builder(String appName) {
    SparkSession.Builder b = SparkSession.builder().appName(appName)
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", AmtlKryoRegistrator.class.getName())
        .config("spark.kryo.registrationRequired", "true");
    if (!new SparkConf().contains("spark.buffer.pageSize")) {
      b.config("spark.buffer.pageSize", PAGE_SIZE);
    }
    return b;
  }
}

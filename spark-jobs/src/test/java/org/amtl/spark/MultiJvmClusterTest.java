package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amtl.core.table.Manifest;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same job on a real multi-JVM cluster on 127.0.0.1 (Spark's local-cluster: a master and two workers in this
 * JVM, each executor its own JVM) must publish the same tables and metrics, bit for bit, as in local[2].
 */
@Tag("cluster")
class MultiJvmClusterTest {
  @TempDir
  static Path dir;

  @Test
  void clusterRunEqualsLocalRun() throws Exception {
    Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
    SparkSession local = SparkTestSupport.session("local[2]");
    TrainJob.Summary a;
    try {
      a = TrainJob.run(local, SparkTestSupport.smallJob(dir, "local", 20_000));
    } finally {
      SparkTestSupport.stop(local);
    }
    SparkSession cluster = SparkTestSupport.builder("local-cluster[2,1,1024]")
        .config("spark.executor.extraClassPath", System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path")))
        .config("spark.executor.memory", "1g")
        .getOrCreate();
    TrainJob.Summary b;
    try {
      long deadline = System.nanoTime() + 90_000_000_000L; // executors register a few seconds after start
      while (cluster.sparkContext().getExecutorMemoryStatus().size() - 1 < 2 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertEquals(2, cluster.sparkContext().getExecutorMemoryStatus().size() - 1, "two executor JVMs");
      b = TrainJob.run(cluster, SparkTestSupport.smallJob(dir, "cluster", 20_000));
    } finally {
      SparkTestSupport.stop(cluster);
    }
    assertEquals(a.auc(), b.auc(), 0);
    assertEquals(a.logloss(), b.logloss(), 0);
    assertEquals(SparkTestSupport.withoutRun(dir.resolve("local")), SparkTestSupport.withoutRun(dir.resolve("cluster")));
    assertEquals(List.of(), Manifest.verify(new org.apache.hadoop.fs.Path(dir.resolve("cluster").toUri()),
        new Configuration()));
    assertTrue(a.auc() > 0.6, "the job learned something: AUC " + a.auc());
  }
}

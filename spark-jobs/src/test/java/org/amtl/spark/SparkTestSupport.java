package org.amtl.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.table.Manifest;
import org.amtl.spark.job.JobSession;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/** Shared helpers for the job tests: a local session configured as the job's, small configurations. */
public final class SparkTestSupport {
  private SparkTestSupport() {}

  /** A session on {@code master} with Kryo registration required, the UI off and few shuffle partitions. */
  public static SparkSession session(String master) {
    return builder(master).getOrCreate();
  }

  /** The builder of {@link #session}, for tests that add settings. */
  public static SparkSession.Builder builder(String master) {
    return JobSession.builder("amtl-test").master(master)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1");
  }

  /** Stops a session and forgets it, so the next test class starts its own. */
  public static void stop(SparkSession spark) {
    spark.stop();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** A small job on a generated log: 8 fields, the given rows, d = 8. */
  public static AmtlConfig smallJob(Path output, String runId, int rows) {
    return AmtlConfig.defaults()
        .with(Keys.SYNTHETIC_FIELDS, 8)
        .with(Keys.SYNTHETIC_VALUES, 2000)
        .with(Keys.SYNTHETIC_ROWS, rows)
        .with(Keys.DIM, 8)
        .with(Keys.HIDDEN, new int[] {32})
        .with(Keys.ROUNDS_PER_EPOCH, 3)
        .with(Keys.OUTPUT_PATH, output.toAbsolutePath().toString())
        .with(Keys.OUTPUT_RUN_ID, runId);
  }

  /** The manifest of a published table. */
  public static JsonNode manifest(Path table) throws IOException {
    return Manifest.read(new org.apache.hadoop.fs.Path(table.toUri()), new Configuration());
  }

  /** The data files of a published table as its manifest lists them (path, bytes, SHA-256), without the report's. */
  public static List<JsonNode> dataFiles(Path table) throws IOException {
    List<JsonNode> files = new java.util.ArrayList<>();
    manifest(table).path("files").forEach(f -> {
      if (!f.path("path").asText().startsWith("report/")) {
        files.add(f);
      }
    });
    return files;
  }

  /** The manifest without its run section (run id, timestamps, timings): equal for equal runs. */
  public static JsonNode withoutRun(Path table) throws IOException {
    ObjectNode m = (ObjectNode) manifest(table);
    m.remove("run");
    return m;
  }
}

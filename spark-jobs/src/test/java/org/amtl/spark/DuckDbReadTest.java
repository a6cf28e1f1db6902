package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.amtl.core.config.Keys;
import org.amtl.core.model.HeadType;
import org.junit.jupiter.api.Test;

/**
 * A published table read by a Parquet reader not written here and not Spark's: DuckDB (through its JDBC driver)
 * reads every embedding part of a DeepFM run with Hive partitioning, and per field its row count, the sum of
 * {@code dim}, the rows whose vector is not exactly {@code dim} floats and the rows with a first-order weight agree
 * with the manifest; so do the frequency file's rows and the dense tensors' sizes.
 */
class DuckDbReadTest extends LocalSparkTest {
  @Test
  void duckDbReadsWhatTheManifestDescribes() throws Exception {
    Path out = dir.resolve("duckdb");
    TrainJob.run(spark, SparkTestSupport.smallJob(out, "run", 5_000).with(Keys.HEAD, HeadType.DEEPFM)
        .with(Keys.ROUNDS_PER_EPOCH, 2).with(Keys.ROWS_PER_PART, 300));
    Path table = out.resolve("run");
    JsonNode manifest = SparkTestSupport.manifest(table);
    Map<String, long[]> read = new HashMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement q = db.createStatement()) {
      try (ResultSet r = q.executeQuery("SELECT field, count(*), sum(dim), count(*) FILTER (WHERE len(vector) <> dim),"
          + " count(weight), count(DISTINCT filename) FROM read_parquet('" + table.resolve("embeddings") + "/*/*.parquet',"
          + " hive_partitioning = true, filename = true) GROUP BY field")) {
        while (r.next()) {
          read.put(r.getString(1), new long[] {r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6)});
        }
      }
      assertEquals(manifest.path("fields").size(), read.size(), read.keySet().toString());
      long rows = 0;
      for (JsonNode f : manifest.path("fields")) {
        long[] got = read.get(f.path("name").asText());
        String name = f.path("name").asText();
        assertEquals(f.path("rows").asLong(), got[0], name + ": rows");
        assertEquals(f.path("keptFloats").asLong(), got[1], name + ": sum(dim)");
        assertEquals(0, got[2], name + ": rows whose vector is not dim floats");
        assertEquals(got[0], got[3], name + ": every row of a DeepFM table has its first-order weight");
        assertEquals(f.path("parts").asLong(), got[4], name + ": parts");
        rows += got[0];
      }
      assertTrue(read.values().stream().anyMatch(v -> v[4] > 1), "some field spans several parts");
      try (ResultSet r = q.executeQuery("SELECT count(*) FROM read_parquet('" + table.resolve("frequencies")
          + "/*.parquet')")) {
        r.next();
        assertEquals(rows, r.getLong(1), "the frequency file has a row per embedding row");
      }
      try (ResultSet r = q.executeQuery("SELECT sum(rows * cols), sum(len(\"values\")) FROM read_parquet('"
          + table.resolve("dense") + "/*.parquet')")) {
        r.next();
        assertEquals(manifest.path("model").path("denseParameters").asLong(), r.getLong(1), "dense parameters");
        assertEquals(r.getLong(1), r.getLong(2), "each tensor holds rows x cols values");
      }
    }
  }
}

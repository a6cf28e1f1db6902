package org.amtl.spark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.spark.LocalSparkTest;
import org.amtl.spark.SparkTestSupport;
import org.amtl.spark.TrainJob;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The same rows written as Parquet, ORC, CSV (a header, every value a string) and JSON publish byte-identical
 * tables: the input format changes how the log is read, not what the job learns from it.
 */
class InputFormatsTest extends LocalSparkTest {
  @Test
  void theSameRowsInEveryFormatPublishTheSameTables() throws Exception {
    AmtlConfig generated = SparkTestSupport.smallJob(dir, "unused", 4_000);
    Dataset<Row> rows = SyntheticInput.generate(spark, generated).coalesce(2);
    rows.write().parquet(dir.resolve("log-parquet").toString());
    rows.write().orc(dir.resolve("log-orc").toString());
    rows.write().option("header", true).csv(dir.resolve("log-csv").toString());
    rows.write().json(dir.resolve("log-json").toString());
    List<JsonNode> reference = null;
    for (Keys.InputFormat format : Keys.InputFormat.values()) {
      String name = format.name().toLowerCase(java.util.Locale.ROOT);
      Path out = dir.resolve("tables-" + name);
      // JSON's inferred columns come in name order, so the fields are listed (their order is the model's)
      TrainJob.run(spark, SparkTestSupport.smallJob(out, "run", 4_000).with(Keys.ROUNDS_PER_EPOCH, 2)
          .with(Keys.INPUT_PATHS, List.of(dir.resolve("log-" + name).toString())).with(Keys.INPUT_FORMAT, format)
          .with(Keys.INPUT_FEATURES, List.of("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8")));
      JsonNode manifest = SparkTestSupport.manifest(out.resolve("run"));
      List<JsonNode> files = SparkTestSupport.dataFiles(out.resolve("run")); // the report names the input
      if (reference == null) {
        reference = files;
        assertEquals(10, files.size(), "8 embedding parts, dense and frequencies: " + files);
      } else {
        assertEquals(reference, files, name + ": every file, its size and SHA-256, as from Parquet");
      }
      assertEquals(4_000, manifest.path("input").path("rows").path("train").asLong()
          + manifest.path("input").path("rows").path("test").asLong(), name);
    }
  }
}

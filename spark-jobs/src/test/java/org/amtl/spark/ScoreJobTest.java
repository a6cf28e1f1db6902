package org.amtl.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.metrics.EvalSummary;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.model.HeadType;
import org.amtl.core.table.TableScorer;
import org.amtl.spark.io.SyntheticInput;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A published table scores the run's own test split exactly as the run evaluated it, for every embedding variant
 * and head: through the core scorer ({@link TableScorer}) and through the scoring job ({@link ScoreJob}), the test
 * AUC, logloss and calibration equal the manifest's to the bit, and the job's scores equal the core scorer's row by
 * row. The log has a list field and a time column, so the test split is the rows at or after the cutoff.
 */
class ScoreJobTest {
  static final String CUTOFF = "8";
  static SparkSession spark;
  @TempDir
  static Path dir;
  static Path log;

  @BeforeAll
  static void start() {
    spark = SparkTestSupport.session("local[2]");
    log = dir.resolve("log");
    AmtlConfig gen = AmtlConfig.defaults().with(Keys.SYNTHETIC_FIELDS, 5).with(Keys.SYNTHETIC_VALUES, 300)
        .with(Keys.SYNTHETIC_ROWS, 4000);
    SyntheticInput.generate(spark, gen)
        .withColumn("id", monotonically_increasing_id())
        .withColumn("ts", pmod(col("id"), lit(10)))
        .withColumn("tags", array(col("C4"), col("C5")))
        .drop("C4", "C5")
        .write().parquet(log.toString());
  }

  @AfterAll
  static void stop() {
    SparkTestSupport.stop(spark);
  }

  static AmtlConfig training(EmbeddingVariant variant, HeadType head, String runId) {
    return AmtlConfig.defaults().with(Keys.EMBEDDING, variant).with(Keys.HEAD, head)
        .with(Keys.INPUT_PATHS, List.of(log.toString())).with(Keys.INPUT_FEATURES, List.of("C1", "C2", "C3", "tags"))
        .with(Keys.SPLIT_MODE, Keys.SplitMode.TIME).with(Keys.SPLIT_TIME_COLUMN, "ts")
        .with(Keys.SPLIT_TIME_CUTOFF, CUTOFF).with(Keys.DIM, 8).with(Keys.HIDDEN, new int[] {16})
        .with(Keys.AUTOEMB_CANDIDATES, new int[] {2, 4}).with(Keys.ROUNDS_PER_EPOCH, 2)
        .with(Keys.OUTPUT_PATH, dir.resolve("tables").toString()).with(Keys.OUTPUT_RUN_ID, runId);
  }

  static List<Arguments> variantsAndHeads() {
    List<Arguments> out = new ArrayList<>();
    for (EmbeddingVariant v : EmbeddingVariant.values()) {
      for (HeadType h : HeadType.values()) {
        out.add(Arguments.of(v, h));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} under {1}")
  @MethodSource("variantsAndHeads")
  void theTableScoresTheTestSplitAsTheRunEvaluatedIt(EmbeddingVariant variant, HeadType head) throws Exception {
    String runId = variant.key() + "-" + head.name().toLowerCase(java.util.Locale.ROOT);
    TrainJob.Summary run = TrainJob.run(spark, training(variant, head, runId));
    JsonNode test = SparkTestSupport.manifest(Path.of(run.output())).path("metrics").path("test");

    // the core scorer, on the driver, over the test split's rows
    TableScorer scorer = TableScorer.load(new org.apache.hadoop.fs.Path(run.output()), new Configuration());
    List<Row> rows = spark.read().parquet(log.toString()).filter(col("ts").geq(Integer.parseInt(CUTOFF)))
        .orderBy("id").collectAsList();
    List<Map<String, Object>> examples = new ArrayList<>();
    float[] labels = new float[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      Map<String, Object> ex = new HashMap<>();
      for (String f : List.of("C1", "C2", "C3")) {
        ex.put(f, r.getAs(f));
      }
      ex.put("tags", r.getList(r.fieldIndex("tags")));
      examples.add(ex);
      labels[i] = r.<Integer>getAs("label");
    }
    float[] core = scorer.predict(examples);
    EvalSummary e = new EvalSummary().add(core, labels, core.length);
    assertEquals(test.path("examples").asLong(), e.count());
    assertEquals(test.path("auc").asDouble(), e.auc(), 0.0, "AUC");
    assertEquals(test.path("logloss").asDouble(), e.logloss(), 0.0, "logloss");
    assertEquals(test.path("calibration").asDouble(), e.calibration(), 0.0, "calibration");

    // the scoring job, on the executors, over the test split written apart
    Path testLog = dir.resolve("test-" + runId);
    spark.read().parquet(log.toString()).filter(col("ts").geq(Integer.parseInt(CUTOFF))).write()
        .parquet(testLog.toString());
    ScoreJob.Summary scored = ScoreJob.run(spark, AmtlConfig.defaults()
        .with(Keys.SCORE_TABLE, dir.resolve("tables").resolve("LATEST").toString())
        .with(Keys.SCORE_OUTPUT, dir.resolve("scores").resolve(runId).toString())
        .with(Keys.INPUT_PATHS, List.of(testLog.toString())).with(Keys.SCORE_KEEP, List.of("id"))
        .with(Keys.SCORE_LABEL, "label"));
    assertEquals(test.path("auc").asDouble(), scored.auc(), 0.0, "AUC");
    assertEquals(test.path("logloss").asDouble(), scored.logloss(), 0.0, "logloss");
    assertEquals(test.path("calibration").asDouble(), scored.calibration(), 0.0, "calibration");
    List<Row> byJob = spark.read().parquet(scored.output() + "/scores").orderBy("id").collectAsList();
    assertEquals(rows.size(), byJob.size());
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(rows.get(i).<Long>getAs("id"), byJob.get(i).<Long>getAs("id"));
      assertEquals(Float.floatToIntBits(core[i]), Float.floatToIntBits(byJob.get(i).getAs("probability")),
          "row " + rows.get(i).getAs("id"));
    }
    assertEquals(List.of("id", "probability"), List.of(spark.read().parquet(scored.output() + "/scores").columns()));
  }

  @Test
  void badInputStopsTheJobNamingItAndPublishesNothing() throws Exception {
    TrainJob.Summary run = TrainJob.run(spark, training(EmbeddingVariant.FBE, HeadType.DNN, "for-bad-input"));
    Path noTags = dir.resolve("no-tags");
    spark.read().parquet(log.toString()).drop("tags").write().parquet(noTags.toString());
    Path out = dir.resolve("bad-scores").resolve("day");
    AmtlConfig config = AmtlConfig.defaults().with(Keys.SCORE_TABLE, run.output())
        .with(Keys.SCORE_OUTPUT, out.toString()).with(Keys.INPUT_PATHS, List.of(noTags.toString()));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ScoreJob.run(spark, config));
    assertTrue(missing.getMessage().contains("no column 'tags'") && missing.getMessage().contains("score.table"),
        missing.getMessage());
    assertFalse(Files.exists(out), "nothing published");

    // a table of a format version this build does not know
    Path future = dir.resolve("future");
    copyTree(Path.of(run.output()), future);
    Path manifest = future.resolve("manifest.json");
    Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"version\" : 2", "\"version\" : 99"));
    Files.delete(future.resolve(".manifest.json.crc")); // the local filesystem's checksum of the old text
    IllegalArgumentException version = assertThrows(IllegalArgumentException.class,
        () -> ScoreJob.run(spark, config.with(Keys.SCORE_TABLE, future.toString())
            .with(Keys.INPUT_PATHS, List.of(log.toString()))));
    assertTrue(version.getMessage().contains("table format version 99"), version.getMessage());
    assertFalse(Files.exists(out), "nothing published");
  }

  static void copyTree(Path from, Path to) throws java.io.IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }
}

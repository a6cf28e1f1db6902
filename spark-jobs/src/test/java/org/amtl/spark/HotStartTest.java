package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.model.EmbeddingVariant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hot start: day 1's table starts day 2 (values new on day 2 get fresh rows), and AMTL can start from an FBE
 * table. At the same small budget the hot start beats training from scratch. A hot-start path that is not a valid
 * table, or has other fields, stops the job before training.
 */
class HotStartTest extends LocalSparkTest {
  static Path out;

  static AmtlConfig day(int day, String runId, int rows) {
    return SparkTestSupport.smallJob(out, runId, rows).with(Keys.SYNTHETIC_DAY, day).with(Keys.ROUNDS_PER_EPOCH, 2)
        .with(Keys.EVAL_PER_ROUND, false);
  }

  @BeforeAll
  static void dayOne() throws Exception {
    out = dir.resolve("nightly");
    TrainJob.run(spark, day(0, "day1", 30_000));
    TrainJob.run(spark, day(0, "day1-fbe", 30_000).with(Keys.EMBEDDING, EmbeddingVariant.FBE));
  }

  @Test
  void hotStartBeatsColdStartAtTheSameBudget() throws Exception {
    TrainJob.Summary cold = TrainJob.run(spark, day(1, "day2-cold", 6_000));
    TrainJob.Summary hot = TrainJob.run(spark, day(1, "day2-hot", 6_000)
        .with(Keys.HOT_START, out.resolve("day1").toString()));
    TrainJob.Summary fromFbe = TrainJob.run(spark, day(1, "day2-from-fbe", 6_000)
        .with(Keys.HOT_START, out.resolve("day1-fbe").toString()));
    System.out.printf(Locale.ROOT, "day 2 on 6,000 rows: cold AUC %.4f, hot from AMTL day 1 %.4f, AMTL on top of "
        + "FBE day 1 %.4f%n", cold.auc(), hot.auc(), fromFbe.auc());
    assertTrue(hot.auc() > cold.auc(), "hot " + hot.auc() + " vs cold " + cold.auc());
    assertTrue(fromFbe.auc() > cold.auc(), "from FBE " + fromFbe.auc() + " vs cold " + cold.auc());
    String manifest = Files.readString(out.resolve("day2-hot/manifest.json"));
    assertTrue(manifest.contains("\"hotStart\" : {") && manifest.contains("day1"), manifest.substring(0, 200));
  }

  static void assertRejected(AmtlConfig job, String... parts) throws Exception {
    List<String> before;
    try (java.util.stream.Stream<Path> s = Files.list(out)) {
      before = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(spark, job));
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }
    try (java.util.stream.Stream<Path> s = Files.list(out)) {
      assertEquals(before, s.map(p -> p.getFileName().toString()).sorted().toList(), "nothing is written");
    }
  }

  @Test
  void aHotStartPathThatIsNotAValidTableOrHasOtherFieldsIsRefused() throws Exception {
    Path notATable = Files.createDirectories(dir.resolve("not-a-table"));
    assertRejected(day(1, "x", 3_000).with(Keys.HOT_START, notATable.toString()), "not-a-table",
        "hotStart.path", "not a published table");
    assertRejected(day(1, "x", 3_000).with(Keys.HOT_START, out.resolve("day1").toString())
        .with(Keys.SYNTHETIC_FIELDS, 6), "has fields", "C7", "hotStart.path");
    Path tampered = dir.resolve("tampered");
    TrainJob.run(spark, day(0, "t", 3_000).with(Keys.OUTPUT_PATH, tampered.toString()));
    Files.write(tampered.resolve("t/embeddings/field=C2/part-00000.parquet"), new byte[] {1});
    assertRejected(day(1, "x", 3_000).with(Keys.HOT_START, tampered.resolve("t").toString()),
        "does not match its manifest", "field=C2");
  }
}

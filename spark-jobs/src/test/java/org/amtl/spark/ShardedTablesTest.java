package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.model.HeadType;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The job with its rows in shards publishes what it publishes with the rows in every task: the same bytes in every
 * data and report file, and the same manifest apart from the run section and the keys that chose the mode; with
 * 1, 3 and 7 shards, over 2 epochs of 4 rounds, fields spread over several parts whose bounds are not the shards'.
 */
class ShardedTablesTest extends LocalSparkTest {
  private static final List<String> MODE_KEYS = List.of(Keys.TABLES.name(), Keys.SHARDS.name(),
      Keys.TASK_MEMORY_SHARE.name());

  private AmtlConfig job(Path out, String runId, EmbeddingVariant embedding, HeadType head) {
    return AmtlConfig.defaults().with(Keys.SYNTHETIC_FIELDS, 3).with(Keys.SYNTHETIC_VALUES, 300)
        .with(Keys.SYNTHETIC_ROWS, 3_000).with(Keys.DIM, 8).with(Keys.HIDDEN, new int[] {16})
        .with(Keys.EMBEDDING, embedding).with(Keys.HEAD, head).with(Keys.EPOCHS, 2).with(Keys.ROUNDS_PER_EPOCH, 4)
        .with(Keys.PARTITIONS, 3).with(Keys.ROWS_PER_PART, 40)
        // DeepFM's runs also save checkpoints (the sharded rows then continue from the saved files)
        .with(Keys.CHECKPOINT_INTERVAL, head == HeadType.DEEPFM ? 3 : 0)
        .with(Keys.EVAL_PER_ROUND, head == HeadType.DEEPFM)
        // a storage target, steered on the driver from the AMLs and the fields' statistics in both modes
        .with(Keys.BUDGET_TARGET_RATIO, embedding == EmbeddingVariant.AMTL && head == HeadType.DEEPFM ? 0.3 : 0)
        .with(Keys.OUTPUT_PATH, out.toAbsolutePath().toString()).with(Keys.OUTPUT_RUN_ID, runId);
  }

  @ParameterizedTest(name = "{0} under {1}")
  @CsvSource({"AMTL, DNN", "AMTL, DEEPFM", "FBE, DNN", "FBE, DEEPFM"})
  void shardedRunsPublishTheBroadcastRunsBytes(EmbeddingVariant embedding, HeadType head) throws Exception {
    Path out = dir.resolve(embedding + "-" + head);
    TrainJob.Summary broadcast = TrainJob.run(spark, job(out, "broadcast", embedding, head)
        .with(Keys.TABLES, Keys.TableMode.BROADCAST));
    JsonNode expected = withoutMode(out.resolve("broadcast"));
    assertTrue(expected.path("fields").get(0).path("parts").asInt() > 2, "a field spans several parts");
    if (embedding == EmbeddingVariant.AMTL && head == HeadType.DEEPFM) {
      assertEquals(0.3, expected.path("storage").path("target").asDouble());
      assertEquals(0.3, expected.path("storage").path("ratio").asDouble(), 0.02, "storage landed on the target");
    }
    for (int shards : new int[] {1, 3, 7}) {
      String run = "sharded-" + shards;
      TrainJob.Summary sharded = TrainJob.run(spark, job(out, run, embedding, head)
          .with(Keys.TABLES, Keys.TableMode.SHARDED).with(Keys.SHARDS, shards));
      assertEquals(expected, withoutMode(out.resolve(run)), run + ": the manifest");
      assertEquals(shards, SparkTestSupport.manifest(out.resolve(run)).path("run").path("shards").asInt());
      for (JsonNode file : expected.path("files")) {
        String path = file.path("path").asText();
        assertArrayEquals(Files.readAllBytes(out.resolve("broadcast").resolve(path)),
            Files.readAllBytes(out.resolve(run).resolve(path)), run + ": " + path);
      }
      assertEquals(broadcast.rounds().stream().map(r -> r.trainLoss()).toList(),
          sharded.rounds().stream().map(r -> r.trainLoss()).toList(), run + ": the training loss of every round");
      assertEquals(broadcast.rounds().stream().map(r -> r.testAuc()).toList(),
          sharded.rounds().stream().map(r -> r.testAuc()).toList(), run + ": the test AUC of every round");
    }
  }

  /**
   * AMTL's warm-up rounds keep every dim and leave the AMLs alone, so they train exactly as FBE does (the tables
   * and the CTR network start from the same seeds): the same loss, bit for bit, in broadcast and sharded mode,
   * until the masks take over.
   */
  @Test
  void warmUpRoundsTrainAsFbe() throws Exception {
    Path out = dir.resolve("warm-up");
    for (Keys.TableMode mode : new Keys.TableMode[] {Keys.TableMode.BROADCAST, Keys.TableMode.SHARDED}) {
      List<Double> fbe = TrainJob.run(spark, job(out, "fbe-" + mode, EmbeddingVariant.FBE, HeadType.DNN)
          .with(Keys.TABLES, mode)).rounds().stream().map(r -> r.trainLoss()).toList();
      List<Double> amtl = TrainJob.run(spark, job(out, "amtl-" + mode, EmbeddingVariant.AMTL, HeadType.DNN)
          .with(Keys.TABLES, mode).with(Keys.WARMUP_ROUNDS, 3).with(Keys.BUDGET_TARGET_RATIO, 0.3))
          .rounds().stream().map(r -> r.trainLoss()).toList();
      assertEquals(fbe.subList(0, 3), amtl.subList(0, 3), mode + ": the warm-up rounds");
      assertNotEquals(fbe.get(3), amtl.get(3), mode + ": the first round with masks");
    }
  }

  private static JsonNode withoutMode(Path table) throws Exception {
    ObjectNode m = (ObjectNode) SparkTestSupport.withoutRun(table);
    MODE_KEYS.forEach(((ObjectNode) m.path("config"))::remove);
    return m;
  }

  @Test
  void aForcedModeThatCannotRunStopsBeforeWritingAndNamesTheKey() throws Exception {
    Path out = dir.resolve("refused");
    AmtlConfig tooLarge = job(out, "r", EmbeddingVariant.AMTL, HeadType.DNN)
        .with(Keys.TABLES, Keys.TableMode.BROADCAST).with(Keys.TASK_MEMORY_SHARE, 1e-9);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(spark, tooLarge));
    assertTrue(e.getMessage().contains("train.tables=broadcast cannot hold this model"), e.getMessage());
    assertTrue(e.getMessage().contains("bytes") && e.getMessage().contains(Keys.TASK_MEMORY_SHARE.name()),
        e.getMessage());
    AmtlConfig mde = job(out, "r", EmbeddingVariant.MDE, HeadType.DNN).with(Keys.TABLES, Keys.TableMode.SHARDED);
    e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(spark, mde));
    assertTrue(e.getMessage().contains("does not train model.embedding=mde"), e.getMessage());
    assertTrue(!Files.exists(out) || Files.list(out).findAny().isEmpty(), "nothing written under " + out);
  }

  /**
   * Day 2 hot-started from day 1's table (AMTL under DeepFM: its vectors and first-order weights, new values and
   * values gone) publishes the same bytes with its rows in shards as in every task, from a version-2 table and from
   * a version-1 table (first-order weights in the dense file).
   */
  @Test
  void aHotStartIntoShardsIsTheBroadcastHotStart() throws Exception {
    Path out = dir.resolve("hot");
    AmtlConfig day1 = job(out, "day1", EmbeddingVariant.AMTL, HeadType.DEEPFM).with(Keys.EPOCHS, 1)
        .with(Keys.TABLES, Keys.TableMode.BROADCAST);
    TrainJob.run(spark, day1);
    // a table written by 4f1322b, before format version 2 (amtl-core's VersionOneTableTest reads it too)
    Path v1 = Path.of("..", "amtl-core", "src", "test", "resources", "tables", "v1-deepfm").toAbsolutePath();
    for (Path table : List.of(out.resolve("day1"), v1)) {
      boolean versionOne = table.equals(v1);
      AmtlConfig day2 = job(out, "", EmbeddingVariant.AMTL, HeadType.DEEPFM).with(Keys.EPOCHS, 1)
          .with(Keys.SYNTHETIC_DAY, 1).with(Keys.HOT_START, table.toAbsolutePath().toString());
      if (versionOne) { // the fixture's model: 2 fields of 40 values, d = 4, hidden 8
        day2 = day2.with(Keys.SYNTHETIC_FIELDS, 2).with(Keys.SYNTHETIC_VALUES, 40).with(Keys.DIM, 4)
            .with(Keys.HIDDEN, new int[] {8});
      }
      String name = versionOne ? "from-v1-" : "from-v2-";
      TrainJob.run(spark, day2.with(Keys.OUTPUT_RUN_ID, name + "broadcast").with(Keys.TABLES,
          Keys.TableMode.BROADCAST));
      TrainJob.run(spark, day2.with(Keys.OUTPUT_RUN_ID, name + "sharded").with(Keys.TABLES,
          Keys.TableMode.SHARDED).with(Keys.SHARDS, 3));
      JsonNode expected = withoutMode(out.resolve(name + "broadcast"));
      assertEquals(expected, withoutMode(out.resolve(name + "sharded")), name);
      for (JsonNode file : expected.path("files")) {
        String path = file.path("path").asText();
        assertArrayEquals(Files.readAllBytes(out.resolve(name + "broadcast").resolve(path)),
            Files.readAllBytes(out.resolve(name + "sharded").resolve(path)), name + ": " + path);
      }
    }
  }

  @Test
  void autoShardsAModelTooLargeForATasksShare() throws Exception {
    Path out = dir.resolve("auto");
    AmtlConfig config = job(out, "a", EmbeddingVariant.AMTL, HeadType.DNN).with(Keys.TASK_MEMORY_SHARE, 1e-9)
        .with(Keys.EPOCHS, 1).with(Keys.ROUNDS_PER_EPOCH, 1).with(Keys.SHARDS, 3);
    TrainJob.run(spark, config);
    TrainJob.run(spark, config.with(Keys.OUTPUT_RUN_ID, "b").with(Keys.TABLES, Keys.TableMode.BROADCAST)
        .with(Keys.TASK_MEMORY_SHARE, 1.0));
    JsonNode auto = SparkTestSupport.manifest(out.resolve("a"));
    assertEquals("sharded", auto.path("run").path("tables").asText(), "auto chose to shard");
    assertEquals(3, auto.path("run").path("shards").asInt());
    assertEquals(withoutMode(out.resolve("b")), withoutMode(out.resolve("a")));
    assertEquals(List.of(), org.amtl.core.table.Manifest.verify(
        new org.apache.hadoop.fs.Path(out.resolve("a").toUri()), new Configuration()));
  }
}

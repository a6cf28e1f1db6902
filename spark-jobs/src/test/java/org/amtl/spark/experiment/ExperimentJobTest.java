package org.amtl.spark.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amtl.spark.LocalSparkTest;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.spark.SparkTestSupport;
import org.junit.jupiter.api.Test;

/**
 * The experiment job on a small generated log: every arm x seed is trained and evaluated on one split, the
 * summaries agree with the runs (paired deltas against the same head's FBE), the ablation arms really change the
 * layer, the hot-start curves are there, and the results page is assembled from the folders. Bad arm specs are
 * refused before anything runs.
 */
class ExperimentJobTest extends LocalSparkTest {

  static AmtlConfig experiment(Path results, String arms, String seeds, boolean hotStart) {
    return SparkTestSupport.smallJob(dir.resolve("work"), "unused", 8_000)
        .with(Keys.ROUNDS_PER_EPOCH, 2)
        .withRaw(Keys.EXPERIMENT_ARMS.name(), arms)
        .withRaw(Keys.EXPERIMENT_SEEDS.name(), seeds)
        .with(Keys.EXPERIMENT_HOT_START, hotStart)
        .with(Keys.EXPERIMENT_NAME, "small")
        .with(Keys.EXPERIMENT_OUTPUT, results.toAbsolutePath().toString());
  }

  @Test
  void armsAndSeedsTrainOnOneSplitAndTheReportAgreesWithTheRuns() throws Exception {
    Path results = dir.resolve("results");
    AmtlConfig config = experiment(results, "dnn/fbe,dnn/fbe[model.dim=4],dnn/amtl,dnn/amtl-single,"
        + "dnn/amtl[amtl.budget.lambda=0.05]", "1,2", true).withRaw(Keys.EXPERIMENT_DIMS_ARM.name(), "dnn/amtl-single");
    ExperimentJob.Results r = ExperimentJob.run(spark, config);
    ExperimentReport.write(r, spark.sparkContext().hadoopConfiguration());

    assertEquals(10, r.runs().size());
    assertEquals("dnn/amtl-single seed 1", r.dimsArm());
    for (ExperimentJob.Run run : r.runs()) {
      assertTrue(run.auc() > 0.6 && run.auc() < 1, run.toString());
      assertEquals(r.trainRows(), run.examples(), "one epoch of the same train rows: " + run);
    }
    ExperimentJob.Run fbe1 = find(r, "dnn/fbe", 1);
    assertEquals(1.0, fbe1.storageRatio(), 1e-12);
    assertTrue(find(r, "dnn/amtl", 1).storageRatio() < 1, "AMTL keeps fewer floats");
    assertTrue(find(r, "dnn/amtl[amtl.budget.lambda=0.05]", 1).storageRatio()
        < find(r, "dnn/amtl", 1).storageRatio(), "the budget term shrinks the tables");
    assertFalse(find(r, "dnn/amtl", 1).auc() == find(r, "dnn/amtl", 2).auc(), "seeds change the run");
    assertFalse(find(r, "dnn/amtl", 1).auc() == find(r, "dnn/amtl-single", 1).auc(), "the ablation changes it");

    JsonNode json = new ObjectMapper().readTree(results.resolve("small/results.json").toFile());
    JsonNode amtl = json.get("arms").get(2);
    assertEquals("dnn/amtl", amtl.get("arm").asText());
    double d1 = find(r, "dnn/amtl", 1).auc() - fbe1.auc();
    double d2 = find(r, "dnn/amtl", 2).auc() - find(r, "dnn/fbe", 2).auc();
    assertEquals((d1 + d2) / 2, amtl.get("deltaMean").asDouble(), 1e-12);
    assertEquals(Math.abs(d1 - d2) / Math.sqrt(2), amtl.get("deltaStd").asDouble(), 1e-12);
    assertEquals(10, json.get("runs").size());
    // FBE at two sizes draws a frontier, and every other arm is placed against it
    JsonNode frontier = json.get("frontiers").get(0);
    assertEquals(List.of(4, 8), List.of(frontier.get("points").get(0).get("dim").asInt(),
        frontier.get("points").get(1).get("dim").asInt()));
    assertEquals(3, frontier.get("placements").size());
    assertEquals(0.5, frontier.get("points").get(0).get("storage").asDouble(), 1e-12);
    assertFalse(json.get("configuration").has(Keys.OUTPUT_PATH.name()), "no local paths in the results");
    assertEquals(3, json.get("hotStart").size());
    for (JsonNode curve : json.get("hotStart")) {
      assertEquals(2, curve.get("auc").size(), curve.toString());
    }
    assertTrue(Files.readString(results.resolve("small/results.md")).contains("### Against the fixed-size "
        + "frontier (dnn head)"));
    for (String f : List.of("results.md", "frontier.png", "dims-vs-frequency.png", "hot-start.png")) {
      assertTrue(Files.size(results.resolve("small").resolve(f)) > 100, f);
    }
    assertFalse(Files.exists(dir.resolve("work/experiment-small-hot-start")), "hot-start work files removed");

    String page = ResultsDoc.render(dir, results, 61, List.<String[]>of(
        new String[] {"Small", "small"}, new String[] {"Later", "later"}));
    assertTrue(page.contains("## Small") && page.contains("](results/small/hot-start.png)")
        && page.contains("](results/small/frontier.png)") && page.contains("| dnn/amtl | ")
        && page.contains("## Later\n\nNot generated yet."), page);
  }

  static ExperimentJob.Run find(ExperimentJob.Results r, String arm, int seed) {
    return r.runs().stream().filter(x -> x.arm().equals(arm) && x.seed() == seed).findFirst().orElseThrow();
  }

  @Test
  void badArmSpecsAreRefusedByNameBeforeAnythingRuns() {
    Path results = dir.resolve("refused");
    for (String[] bad : new String[][] {
        {"dnn/fbe,dnn/amtl-tiny", "dnn/amtl-tiny", "variant 'amtl-tiny'"},
        {"dnn/amtl[amtl.temprature=2]", "amtl.temprature", "unknown config key"},
        {"dnn/amtl[amtl.temperature=-1]", "amtl.temperature", "-1"},
        {"cnn/fbe", "cnn/fbe", "cnn"},
        {"dnn/fbe,dnn/fbe", "listed twice"},
        {"amtl", "expected head/variant"}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ExperimentJob.run(spark, experiment(results, bad[0], "1", false)));
      for (int i = 1; i < bad.length; i++) {
        assertTrue(e.getMessage().contains(bad[i]), e.getMessage() + " lacks " + bad[i]);
      }
      assertTrue(e.getMessage().startsWith(Keys.EXPERIMENT_ARMS.name()), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExperimentJob.run(spark,
        experiment(results, "dnn/fbe,dnn/amtl", "1", false).withRaw(Keys.EXPERIMENT_DIMS_ARM.name(), "dnn/fbe")));
    assertTrue(e.getMessage().contains("experiment.dimsArm") && e.getMessage().contains("'dnn/fbe'"), e.getMessage());
    assertFalse(Files.exists(results), "nothing written");
  }

  /** A folder under the experiment's name that holds no results of this job is never replaced. */
  @Test
  void aResultsFolderTheJobDidNotWriteIsRefusedBeforeAnythingRuns() throws Exception {
    Path results = dir.resolve("users");
    Path mine = Files.createDirectories(results.resolve("small"));
    Files.writeString(mine.resolve("notes.txt"), "mine");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExperimentJob.run(spark, experiment(results, "dnn/fbe", "1", false)));
    assertTrue(e.getMessage().contains(mine.toString()) && e.getMessage().contains("experiment.name"),
        e.getMessage());
    assertEquals("mine", Files.readString(mine.resolve("notes.txt")));
    try (java.util.stream.Stream<Path> s = Files.list(results)) {
      assertEquals(List.of("small"), s.map(p -> p.getFileName().toString()).toList(), "nothing written");
    }
  }
}

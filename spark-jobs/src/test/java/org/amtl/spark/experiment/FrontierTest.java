package org.amtl.spark.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.junit.jupiter.api.Test;

/**
 * The fixed-size frontier on hand-made runs: FBE sizes draw it, other arms are placed seed by seed against FBE
 * interpolated in log storage, runs outside the sizes are not placed, and heads without FBE sizes get no frontier.
 */
class FrontierTest {
  private static final AmtlConfig CONFIG = AmtlConfig.defaults().with(Keys.DIM, 16);

  @Test
  void armsArePlacedSeedBySeedAgainstFbeInterpolatedInLogStorage() {
    List<ExperimentArm> arms = List.of(arm("dnn/fbe[model.dim=8]"), arm("dnn/fbe"), arm("dnn/fbe[model.dim=32]"),
        arm("dnn/amtl"), arm("dnn/mde"), arm("dnn/fbe[model.dim=8;train.epochs=2]"), arm("deepfm/fbe"),
        arm("deepfm/amtl"));
    List<ExperimentJob.Run> runs = new ArrayList<>();
    double[][] fbe = {{0.70, 0.74, 0.75}, {0.71, 0.73, 0.77}}; // [seed][d = 8, 16, 32]
    for (int seed = 1; seed <= 2; seed++) {
      double[] a = fbe[seed - 1];
      runs.add(run("dnn/fbe[model.dim=8]", seed, a[0], 800));
      runs.add(run("dnn/fbe", seed, a[1], 1600));
      runs.add(run("dnn/fbe[model.dim=32]", seed, a[2], 3200));
      runs.add(run("dnn/fbe[model.dim=8;train.epochs=2]", seed, 0.72, 800));
      runs.add(run("deepfm/fbe", seed, 0.7, 1600));
      runs.add(run("deepfm/amtl", seed, 0.7, 900));
    }
    runs.add(run("dnn/amtl", 1, 0.73, 1131)); // between d = 8 and 16
    runs.add(run("dnn/amtl", 2, 0.70, 1600)); // on d = 16
    runs.add(run("dnn/mde", 1, 0.74, 700)); // below the smallest size: not placed
    runs.add(run("dnn/mde", 2, 0.76, 2400));
    ExperimentJob.Results r = new ExperimentJob.Results("t", CONFIG, 10, 10, Map.of(), arms, runs, null, null,
        List.of(), 1);

    List<Frontier> frontiers = Frontier.of(r);
    assertEquals(1, frontiers.size(), "deepfm has one FBE size only");
    Frontier f = frontiers.get(0);
    assertEquals(List.of(8, 16, 32), f.points().stream().map(Frontier.Point::dim).toList());
    assertEquals(0.5, f.points().get(0).storage(), 1e-12);
    assertEquals(0.705, f.points().get(0).aucMean(), 1e-12);
    assertEquals(List.of("dnn/amtl", "dnn/mde", "dnn/fbe[model.dim=8;train.epochs=2]"),
        f.placements().stream().map(Frontier.Placement::arm).toList());

    Frontier.Placement amtl = f.placements().get(0);
    double t = Math.log(1131 / 800.0) / Math.log(2);
    double gap1 = 0.73 - (0.70 + t * (0.74 - 0.70));
    double gap2 = 0.70 - 0.73;
    assertEquals((gap1 + gap2) / 2, amtl.gapMean(), 1e-12);
    assertEquals(Math.abs(gap1 - gap2) / Math.sqrt(2), amtl.gapStd(), 1e-12);
    assertEquals(1, amtl.seedsAbove());
    assertEquals(2, amtl.seedsPlaced());
    assertEquals(1131 / 1600.0, amtl.storageMin(), 1e-12);
    assertEquals(1.0, amtl.storageMax(), 1e-12);

    Frontier.Placement mde = f.placements().get(1);
    assertEquals(1, mde.seedsPlaced(), "seed 1 lies below the smallest FBE size");
    double at = 0.73 + Math.log(1.5) / Math.log(2) * (0.77 - 0.73);
    assertEquals(at, mde.frontierAucMean(), 1e-12);
    assertEquals(0.76 - at, mde.gapMean(), 1e-12);
    assertTrue(Double.isNaN(mde.gapStd()), "one placed seed has no spread");

    String md = ExperimentReport.frontierMarkdown(f, 2);
    assertTrue(md.contains("| dnn/fbe[model.dim=32] | 32 | 200.0% | 0.76000 ± 0.01414 |"), md);
    assertTrue(md.contains("| dnn/mde | 96.9% (43.8-150.0%) | 0.75000 | "), md);
  }

  @Test
  void interpolationIsLinearInLogStorageAndUndefinedOutside() {
    java.util.TreeMap<Double, Double> line = new java.util.TreeMap<>(Map.of(0.25, 0.6, 0.5, 0.7, 1.0, 0.9));
    assertEquals(0.65, Frontier.interpolate(line, Math.sqrt(0.125)), 1e-12);
    assertEquals(0.7, Frontier.interpolate(line, 0.5), 0);
    assertEquals(0.8, Frontier.interpolate(line, Math.sqrt(0.5)), 1e-12);
    assertTrue(Double.isNaN(Frontier.interpolate(line, 0.2)));
    assertTrue(Double.isNaN(Frontier.interpolate(line, 1.01)));
  }

  private static ExperimentArm arm(String spec) {
    return ExperimentArm.parse(spec);
  }

  private static ExperimentJob.Run run(String arm, int seed, double auc, long kept) {
    return new ExperimentJob.Run(arm, seed, auc, 0.5, kept / 1600.0, kept, 1, 100);
  }
}

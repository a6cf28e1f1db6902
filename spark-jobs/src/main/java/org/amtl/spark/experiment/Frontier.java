package org.amtl.spark.experiment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.amtl.core.config.Keys;

/**
 * The fixed-size frontier of one head and every other arm's place against it. FBE arms of the head that differ
 * only in {@code model.dim} draw the frontier: AUC against storage, where a smaller d is the plain way to a smaller
 * table. Every other arm of the head is placed seed by seed: its AUC minus the AUC that FBE reaches at the same
 * storage with the same seed, interpolated between the two FBE sizes around it, linearly in log storage (the
 * sizes double from one to the next). A run whose storage lies outside the FBE sizes tried gets no gap.
 */
record Frontier(String head, List<Point> points, List<Placement> placements) {

  /** One FBE size over its seeds: storage against the head's reference FBE arm. */
  record Point(String arm, int dim, double storage, double aucMean, double aucStd, int seeds) {}

  /**
   * One arm against the frontier: its storage (mean and range over seeds), the frontier's AUC at each seed's
   * storage (mean), and the paired gap (mean, sample std, seeds above the frontier, seeds placed).
   */
  record Placement(String arm, double storageMean, double storageMin, double storageMax, double aucMean,
      double frontierAucMean, double gapMean, double gapStd, int seedsAbove, int seedsPlaced) {}

  private static final Set<String> SIZE_ONLY = Set.of(Keys.DIM.name());

  /** The frontier of every head with FBE arms at two sizes or more (none for an experiment without them). */
  static List<Frontier> of(ExperimentJob.Results r) {
    List<Frontier> out = new ArrayList<>();
    for (String head : r.arms().stream().map(ExperimentArm::head).distinct().toList()) {
      List<ExperimentArm> sizes = r.arms().stream().filter(a -> a.head().equals(head) && isSize(a)).toList();
      boolean hasReference = sizes.stream().anyMatch(a -> a.overrides().isEmpty());
      if (sizes.size() >= 2 && hasReference) {
        out.add(of(r, head, sizes));
      }
    }
    return out;
  }

  /** An FBE arm that changes nothing but d. */
  static boolean isSize(ExperimentArm arm) {
    return arm.variant().equals("fbe") && SIZE_ONLY.containsAll(arm.overrides().keySet());
  }

  private static Frontier of(ExperimentJob.Results r, String head, List<ExperimentArm> sizes) {
    List<Point> points = new ArrayList<>();
    for (ExperimentArm arm : sizes) {
      List<ExperimentJob.Run> runs = runsOf(r, arm);
      double[] auc = runs.stream().mapToDouble(ExperimentJob.Run::auc).toArray();
      double storage = ExperimentReport.mean(runs.stream()
          .mapToDouble(x -> ExperimentReport.storageVsFbe(r, arm, x)).toArray());
      points.add(new Point(arm.label(), arm.configure(r.config()).getInt(Keys.DIM), storage,
          ExperimentReport.mean(auc), ExperimentReport.std(auc), runs.size()));
    }
    points.sort(Comparator.comparingDouble(Point::storage));
    List<Placement> placements = new ArrayList<>();
    for (ExperimentArm arm : r.arms()) {
      if (arm.head().equals(head) && !sizes.contains(arm)) {
        placements.add(place(r, arm, sizes));
      }
    }
    return new Frontier(head, points, placements);
  }

  private static Placement place(ExperimentJob.Results r, ExperimentArm arm, List<ExperimentArm> sizes) {
    List<ExperimentJob.Run> runs = runsOf(r, arm);
    double[] storage = runs.stream().mapToDouble(x -> ExperimentReport.storageVsFbe(r, arm, x)).toArray();
    List<Double> frontier = new ArrayList<>();
    List<Double> gaps = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      double at = frontierAuc(r, sizes, runs.get(i).seed(), storage[i]);
      if (!Double.isNaN(at)) {
        frontier.add(at);
        gaps.add(runs.get(i).auc() - at);
      }
    }
    double[] gap = gaps.stream().mapToDouble(Double::doubleValue).toArray();
    return new Placement(arm.label(), ExperimentReport.mean(storage),
        java.util.Arrays.stream(storage).min().orElse(Double.NaN),
        java.util.Arrays.stream(storage).max().orElse(Double.NaN),
        ExperimentReport.mean(runs.stream().mapToDouble(ExperimentJob.Run::auc).toArray()),
        ExperimentReport.mean(frontier.stream().mapToDouble(Double::doubleValue).toArray()),
        ExperimentReport.mean(gap), ExperimentReport.std(gap), (int) gaps.stream().filter(g -> g > 0).count(),
        gap.length);
  }

  /** FBE's AUC for one seed at the given storage, from that seed's FBE runs; NaN outside the sizes tried. */
  static double frontierAuc(ExperimentJob.Results r, List<ExperimentArm> sizes, int seed, double storage) {
    TreeMap<Double, Double> line = new TreeMap<>();
    for (ExperimentArm arm : sizes) {
      for (ExperimentJob.Run run : runsOf(r, arm)) {
        if (run.seed() == seed) {
          line.put(ExperimentReport.storageVsFbe(r, arm, run), run.auc());
        }
      }
    }
    return interpolate(line, storage);
  }

  /** Linear in log storage between the points around {@code storage}; NaN outside them. */
  static double interpolate(TreeMap<Double, Double> line, double storage) {
    var below = line.floorEntry(storage);
    var above = line.ceilingEntry(storage);
    if (below == null || above == null) {
      return Double.NaN;
    }
    if (below.getKey().equals(above.getKey())) {
      return below.getValue();
    }
    double t = Math.log(storage / below.getKey()) / Math.log(above.getKey() / below.getKey());
    return below.getValue() + t * (above.getValue() - below.getValue());
  }

  private static List<ExperimentJob.Run> runsOf(ExperimentJob.Results r, ExperimentArm arm) {
    return r.runs().stream().filter(x -> x.arm().equals(arm.label())).toList();
  }
}

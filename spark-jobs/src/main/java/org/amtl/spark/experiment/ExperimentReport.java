package org.amtl.spark.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.config.Redaction;
import org.amtl.spark.job.Charts;
import org.amtl.spark.job.Report;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes an experiment's results: results.json (every run and every summary), results.md (the tables, for
 * docs/results.md) and charts: AUC against storage (per seed, or as the fixed-size frontier with every other arm
 * against it when FBE ran at several sizes), dims by frequency, hot start. The folder is
 * written aside and swapped in at the end, so a failed write leaves the previous results as they were.
 */
final class ExperimentReport {
  static final String JSON = "results.json";
  static final String MARKDOWN = "results.md";
  static final String AUC_CHART = "auc-vs-storage.png";
  static final String DIMS_CHART = "dims-vs-frequency.png";
  static final String HOT_CHART = "hot-start.png";
  static final String FRONTIER_CHART = "frontier.png";

  /** One arm over its seeds; deltas are paired by seed against the same head's FBE arm (NaN without one). */
  record ArmSummary(String arm, int seeds, double aucMean, double aucStd, double deltaMean, double deltaStd,
      double loglossMean, double storageMean, double secondsMean, double examplesPerSecond) {}

  private ExperimentReport() {}

  /**
   * Fails when the experiment's results folder exists but holds no results of this job (no {@value #JSON}): the
   * job replaces its own earlier results, never a folder it did not write.
   */
  static void checkReplaceable(AmtlConfig config, Configuration hadoop) throws IOException {
    Path dir = new Path(config.get(Keys.EXPERIMENT_OUTPUT), config.get(Keys.EXPERIMENT_NAME));
    FileSystem fs = dir.getFileSystem(hadoop);
    if (fs.exists(dir) && !fs.exists(new Path(dir, JSON))) {
      throw new IllegalArgumentException("experiment output " + Redaction.redactUris(dir.toString()) + " exists and "
          + "holds no results of this job (no " + JSON + "); the job never replaces a folder it did not write: move "
          + "it away or choose another " + Keys.EXPERIMENT_NAME.name());
    }
  }

  /** Writes the results folder, replacing earlier results of the same experiment; returns its path. */
  static String write(ExperimentJob.Results r, Configuration hadoop) throws IOException {
    checkReplaceable(r.config(), hadoop);
    Path root = new Path(r.config().get(Keys.EXPERIMENT_OUTPUT));
    Path dir = new Path(root, r.name());
    Path tmp = new Path(root, "." + r.name() + ".tmp");
    FileSystem fs = root.getFileSystem(hadoop);
    fs.delete(tmp, true);
    Charts.headless();
    List<ArmSummary> summaries = summarize(r);
    List<Frontier> frontiers = Frontier.of(r);
    text(fs, new Path(tmp, JSON), json(r, summaries, frontiers));
    text(fs, new Path(tmp, MARKDOWN), markdown(r, summaries, frontiers));
    if (frontiers.isEmpty()) {
      png(fs, new Path(tmp, AUC_CHART), aucChart(r));
    } else { // the frontier chart shows the same runs, with the FBE sizes joined and error bars
      png(fs, new Path(tmp, FRONTIER_CHART), FrontierChart.of(r.name(), frontiers));
    }
    if (r.dims() != null) {
      png(fs, new Path(tmp, DIMS_CHART), Report.dimsChart(r.dims(), r.name() + ": learned dim by value frequency ("
          + r.dimsArm() + ")"));
    }
    if (!r.hotStart().isEmpty()) {
      png(fs, new Path(tmp, HOT_CHART), hotChart(r));
    }
    fs.delete(dir, true);
    if (!fs.rename(tmp, dir)) {
      throw new IOException("could not rename " + tmp + " to " + dir);
    }
    return dir.toString();
  }

  static List<ArmSummary> summarize(ExperimentJob.Results r) {
    List<ArmSummary> out = new ArrayList<>();
    for (ExperimentArm arm : r.arms()) {
      List<ExperimentJob.Run> runs = r.runs().stream().filter(x -> x.arm().equals(arm.label())).toList();
      String fbe = arm.head() + "/fbe";
      double[] auc = runs.stream().mapToDouble(ExperimentJob.Run::auc).toArray();
      double[] delta = runs.stream().mapToDouble(x -> r.runs().stream()
          .filter(y -> y.arm().equals(fbe) && y.seed() == x.seed()).mapToDouble(y -> x.auc() - y.auc())
          .findFirst().orElse(Double.NaN)).toArray();
      double seconds = mean(runs.stream().mapToDouble(ExperimentJob.Run::trainSeconds).toArray());
      long examples = runs.stream().mapToLong(ExperimentJob.Run::examples).sum();
      double totalSeconds = runs.stream().mapToDouble(ExperimentJob.Run::trainSeconds).sum();
      out.add(new ArmSummary(arm.label(), runs.size(), mean(auc), std(auc), mean(delta), std(delta),
          mean(runs.stream().mapToDouble(ExperimentJob.Run::logloss).toArray()),
          mean(runs.stream().mapToDouble(x -> storageVsFbe(r, arm, x)).toArray()), seconds,
          examples / Math.max(totalSeconds, 1e-9)));
    }
    return out;
  }

  /**
   * Embedding floats kept against the same head's plain FBE arm (same vocabulary; so an arm with another d is
   * compared with the reference d); without that arm, against fixed-size tables of the run's own d.
   */
  static double storageVsFbe(ExperimentJob.Results r, ExperimentArm arm, ExperimentJob.Run run) {
    String fbe = arm.head() + "/fbe";
    return r.runs().stream().filter(y -> y.arm().equals(fbe) && y.seed() == run.seed())
        .mapToDouble(y -> (double) run.keptFloats() / y.keptFloats()).findFirst().orElse(run.storageRatio());
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return v.length == 0 ? Double.NaN : s / v.length;
  }

  /** Sample standard deviation (n - 1); NaN for fewer than two values. */
  static double std(double[] v) {
    if (v.length < 2) {
      return Double.NaN;
    }
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }

  static String consoleSummary(ExperimentJob.Results r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-40s %8s %8s %10s %9s %8s%n", "arm", "AUC", "+-std", "dAUC(FBE)",
        "storage", "train s"));
    for (ArmSummary s : summarize(r)) {
      sb.append(String.format(Locale.ROOT, "%-40s %8.5f %8.5f %+10.5f %8.1f%% %8.1f%n", s.arm(), s.aucMean(),
          s.aucStd(), s.deltaMean(), 100 * s.storageMean(), s.secondsMean()));
    }
    for (HotStartExperiment.Curve c : r.hotStart()) {
      sb.append(String.format(Locale.ROOT, "hot start %-26s AUC per round %s%n", c.name(), fmt(c.auc())));
    }
    sb.append(String.format(Locale.ROOT, "experiment wall time %.0f s%n", r.wallSeconds()));
    return sb.toString();
  }

  private static String fmt(double[] v) {
    StringBuilder sb = new StringBuilder();
    for (double x : v) {
      sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.4f", x));
    }
    return sb.toString();
  }

  static String json(ExperimentJob.Results r, List<ArmSummary> summaries, List<Frontier> frontiers)
      throws IOException {
    ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = om.createObjectNode();
    root.put("name", r.name());
    root.put("trainRows", r.trainRows());
    root.put("testRows", r.testRows());
    root.set("vocabularySizes", om.valueToTree(r.vocabSizes()));
    java.util.Map<String, String> settings = new java.util.TreeMap<>(Redaction.redact(r.config().explicitValues()));
    // where files live says nothing about the method, and would put this machine's paths into docs
    List.of(Keys.INPUT_PATHS, Keys.OUTPUT_PATH, Keys.EXPERIMENT_OUTPUT).forEach(k -> settings.remove(k.name()));
    root.set("configuration", om.valueToTree(settings));
    root.put("wallSeconds", r.wallSeconds());
    root.set("arms", om.valueToTree(summaries));
    root.set("runs", om.valueToTree(r.runs()));
    root.set("frontiers", om.valueToTree(frontiers));
    if (r.dims() != null) {
      ObjectNode dims = root.putObject("dimsByFrequency");
      dims.put("arm", r.dimsArm());
      dims.set("allFields", nullable(om, r.dims().meanAllFields()));
      ObjectNode perField = dims.putObject("perField");
      for (int f = 0; f < r.dims().fields().length; f++) {
        perField.set(r.dims().fields()[f], nullable(om, r.dims().meanPerField()[f]));
      }
    }
    ArrayNode hot = root.putArray("hotStart");
    for (HotStartExperiment.Curve c : r.hotStart()) {
      ObjectNode n = hot.addObject();
      n.put("name", c.name());
      n.set("epochs", nullable(om, c.budget()));
      n.set("auc", nullable(om, c.auc()));
    }
    return om.writeValueAsString(root) + "\n";
  }

  /** NaN is not JSON: empty buckets become null. */
  private static ArrayNode nullable(ObjectMapper om, double[] v) {
    ArrayNode a = om.createArrayNode();
    for (double x : v) {
      if (Double.isNaN(x)) {
        a.addNull();
      } else {
        a.add(x);
      }
    }
    return a;
  }

  static String markdown(ExperimentJob.Results r, List<ArmSummary> summaries, List<Frontier> frontiers) {
    StringBuilder md = new StringBuilder();
    int seeds = r.config().get(Keys.EXPERIMENT_SEEDS).length;
    md.append(String.format(Locale.ROOT, "%d train rows, %d test rows, %d fields (vocabulary sizes: %s); d = %d, "
            + "%d epoch(s) in %d averaging rounds per epoch over %d partitions, batch %d; seeds %s. "
            + "Experiment wall time %.0f s.%n%n", r.trainRows(), r.testRows(), r.vocabSizes().size(),
        String.join(", ", r.vocabSizes().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()),
        r.config().getInt(Keys.DIM), r.config().getInt(Keys.EPOCHS), r.config().getInt(Keys.ROUNDS_PER_EPOCH),
        r.config().getInt(Keys.PARTITIONS), r.config().getInt(Keys.BATCH_SIZE),
        java.util.Arrays.toString(r.config().get(Keys.EXPERIMENT_SEEDS)), r.wallSeconds()));
    md.append("| arm | test AUC (mean ± std) | ΔAUC vs same head's FBE (paired) | logloss | storage vs FBE "
        + "| train s | examples/s |\n|---|---|---|---|---|---|---|\n");
    for (ArmSummary s : summaries) {
      md.append(String.format(Locale.ROOT, "| %s | %.5f ± %.5f | %s | %.5f | %.1f%% | %.1f | %,.0f |%n",
          s.arm(), s.aucMean(), s.aucStd(), Double.isNaN(s.deltaMean()) ? "-" : s.arm().endsWith("/fbe") ? "0"
              : String.format(Locale.ROOT, "%+.5f ± %.5f", s.deltaMean(), s.deltaStd()),
          s.loglossMean(), 100 * s.storageMean(), s.secondsMean(), s.examplesPerSecond()));
    }
    md.append(String.format(Locale.ROOT, "%nStd is over the %d seeds (sample std). ΔAUC: the arm minus the same "
        + "head's FBE arm for the same seed, then averaged. Storage: embedding floats kept (sum of k_i) against that "
        + "FBE arm's (|V| + 1) x d; dense parameters come on top for every arm. Train seconds exclude evaluation.%n%n",
        seeds));
    if (frontiers.isEmpty()) {
      md.append("![AUC against storage](").append(AUC_CHART).append(")\n\n");
    }
    for (Frontier f : frontiers) {
      md.append(frontierMarkdown(f, seeds));
    }
    if (!frontiers.isEmpty()) {
      md.append("![the fixed-size frontier](").append(FRONTIER_CHART).append(")\n\n");
    }
    if (r.dims() != null) {
      md.append("### Learned dim by frequency (").append(r.dimsArm()).append(")\n\n");
      md.append("Mean kept dim of the values in each count bucket b (count in [2^b - 1, 2^(b+1) - 1)).\n\n");
      md.append("| field |");
      int buckets = r.dims().meanAllFields().length;
      StringBuilder rule = new StringBuilder("|---|");
      List<Integer> used = new ArrayList<>();
      for (int b = 0; b < buckets; b++) {
        if (!Double.isNaN(r.dims().meanAllFields()[b])) {
          used.add(b);
          md.append(" b").append(b).append(" |");
          rule.append("---|");
        }
      }
      md.append('\n').append(rule).append('\n');
      for (int f = 0; f <= r.dims().fields().length; f++) {
        boolean all = f == r.dims().fields().length;
        double[] row = all ? r.dims().meanAllFields() : r.dims().meanPerField()[f];
        md.append("| ").append(all ? "**all fields**" : r.dims().fields()[f]).append(" |");
        for (int b : used) {
          md.append(Double.isNaN(row[b]) ? " |" : String.format(Locale.ROOT, " %.1f |", row[b]));
        }
        md.append('\n');
      }
      md.append("\n![dims by frequency](").append(DIMS_CHART).append(")\n\n");
    }
    if (!r.hotStart().isEmpty()) {
      md.append("### Hot start\n\nThe rows cut into two days by a seeded hash; day 2's test AUC after each round "
          + "(budget in epochs of day-2 data), AMTL from scratch against AMTL hot-started from day 1.\n\n");
      md.append("| budget (epochs) |");
      StringBuilder rule = new StringBuilder("|---|");
      for (HotStartExperiment.Curve c : r.hotStart()) {
        md.append(' ').append(c.name()).append(" |");
        rule.append("---|");
      }
      md.append('\n').append(rule).append('\n');
      HotStartExperiment.Curve first = r.hotStart().get(0);
      for (int i = 0; i < first.budget().length; i++) {
        md.append(String.format(Locale.ROOT, "| %.3f |", first.budget()[i]));
        for (HotStartExperiment.Curve c : r.hotStart()) {
          md.append(String.format(Locale.ROOT, " %.5f |", c.auc()[i]));
        }
        md.append('\n');
      }
      md.append("\n![hot start](").append(HOT_CHART).append(")\n");
    }
    return md.toString();
  }

  static String frontierMarkdown(Frontier f, int seeds) {
    StringBuilder md = new StringBuilder();
    md.append("### Against the fixed-size frontier (").append(f.head()).append(" head)\n\n");
    md.append("FBE at each d draws the frontier: the AUC a plain smaller (or larger) table reaches.\n\n");
    md.append("| FBE arm | d | storage | test AUC (mean ± std) |\n|---|---|---|---|\n");
    for (Frontier.Point p : f.points()) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %.1f%% | %.5f ± %.5f |%n", p.arm(), p.dim(),
          100 * p.storage(), p.aucMean(), p.aucStd()));
    }
    md.append("\nEvery other arm against FBE at the same storage, seed by seed: **gap** is the arm's AUC minus FBE's "
        + "AUC at that seed's storage, interpolated between the two FBE sizes around it (linearly in log storage); "
        + "a seed whose storage lies outside the sizes tried is not placed.\n\n");
    md.append("| arm | storage: mean (range over seeds) | test AUC | FBE at that storage | gap (mean ± std) "
        + "| seeds above FBE |\n|---|---|---|---|---|---|\n");
    for (Frontier.Placement p : f.placements()) {
      boolean placed = p.seedsPlaced() > 0;
      md.append(String.format(Locale.ROOT, "| %s | %.1f%% (%.1f-%.1f%%) | %.5f | %s | %s | %d of %d |%n", p.arm(),
          100 * p.storageMean(), 100 * p.storageMin(), 100 * p.storageMax(), p.aucMean(),
          placed ? String.format(Locale.ROOT, "%.5f", p.frontierAucMean()) : "outside",
          placed ? String.format(Locale.ROOT, "%+.5f ± %.5f", p.gapMean(), p.gapStd()) : "-", p.seedsAbove(),
          p.seedsPlaced()));
    }
    md.append(String.format(Locale.ROOT, "%nStd is over the %d seeds (sample std); the frontier's AUC is the mean "
        + "over the placed seeds.%n%n", seeds));
    return md.toString();
  }

  private static JFreeChart aucChart(ExperimentJob.Results r) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (ExperimentArm arm : r.arms()) {
      XYSeries s = new XYSeries(arm.label());
      r.runs().stream().filter(x -> x.arm().equals(arm.label()))
          .forEach(x -> s.add(100 * storageVsFbe(r, arm, x), x.auc()));
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createScatterPlot(r.name() + ": test AUC against embedding storage (one point "
        + "per seed)", "storage, % of FBE", "test AUC", data, PlotOrientation.VERTICAL, true, false, false);
    return Charts.whiteAroundData(chart);
  }

  private static JFreeChart hotChart(ExperimentJob.Results r) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (HotStartExperiment.Curve c : r.hotStart()) {
      XYSeries s = new XYSeries(c.name());
      for (int i = 0; i < c.budget().length; i++) {
        s.add(c.budget()[i], c.auc()[i]);
      }
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(r.name() + ": day-2 test AUC against training budget",
        "training budget (epochs of day-2 data)", "test AUC", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(new XYLineAndShapeRenderer(true, true));
    return Charts.whiteAroundData(chart);
  }

  private static void text(FileSystem fs, Path file, String content) throws IOException {
    try (OutputStream out = fs.create(file, false)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void png(FileSystem fs, Path file, JFreeChart chart) throws IOException {
    Charts.writePng(fs, file, chart, 900, 540);
  }
}

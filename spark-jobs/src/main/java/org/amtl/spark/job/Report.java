package org.amtl.spark.job;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.model.DimsByFrequency;
import org.amtl.core.model.Storage;
import org.amtl.core.table.TableSummary;
import org.amtl.core.train.RoundStats;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The run report: report/index.html with the metrics and three PNG charts (learned dim against frequency per
 * field, loss and AUC per round, storage per field). Holds no run id or timing, so two runs of the same job on
 * the same input write identical reports.
 */
public final class Report {
  static final String DIR = "report";

  private Report() {}

  /**
   * What changed since the table the run started from: its run id, a link to its report (relative when it is a
   * sibling run), and the comparison ({@link TableDiff#changes}), or why there is none.
   */
  record Since(String runId, String link, String changes) {}

  /** Writes the report under {@code dir}; returns the relative paths written. {@code since} may be null. */
  static List<String> write(FileSystem fs, Path dir, TableSummary table, AmtlConfig config, List<RoundStats> rounds,
      EvalStage.Result eval, Since since) throws IOException {
    Charts.headless();
    List<String> files = new ArrayList<>();
    files.add(png(fs, dir, "dims-vs-frequency.png",
        dimsChart(table.dimsByFrequency(), "Learned dim by value frequency"), 900, 560));
    files.add(png(fs, dir, "rounds.png", roundsChart(rounds), 900, 480));
    files.add(png(fs, dir, "storage-per-field.png", storageChart(table), 1000, 520));
    String html = DIR + "/index.html";
    try (OutputStream out = fs.create(new Path(dir, html), true);
        PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8))) {
      w.println(html(table, config, rounds, eval, since));
    }
    files.add(html);
    return files;
  }

  private static String png(FileSystem fs, Path dir, String name, JFreeChart chart, int width, int height)
      throws IOException {
    String rel = DIR + "/" + name;
    Charts.writePng(fs, new Path(dir, rel), chart, width, height);
    return rel;
  }

  /** One thin line per field and a thick one over all fields: mean kept dim per count bucket. */
  public static JFreeChart dimsChart(DimsByFrequency dims, String title) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (int f = 0; f < dims.fields().length; f++) {
      data.addSeries(series(dims.fields()[f], dims.meanPerField()[f]));
    }
    data.addSeries(series("all fields", dims.meanAllFields()));
    JFreeChart chart = ChartFactory.createXYLineChart(title,
        "count bucket b: count in [2^b - 1, 2^(b+1) - 1)", "mean kept dim", data, PlotOrientation.VERTICAL,
        dims.fields().length <= 12, false, false);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < data.getSeriesCount() - 1; i++) {
      r.setSeriesStroke(i, new BasicStroke(1.5f));
      if (dims.fields().length > 12) { // too many to tell apart: one faint colour, the all-fields line stands out
        r.setSeriesPaint(i, new Color(120, 140, 200, 120));
      }
    }
    r.setSeriesStroke(data.getSeriesCount() - 1, new BasicStroke(3f));
    r.setSeriesPaint(data.getSeriesCount() - 1, new Color(200, 40, 40));
    plot.setRenderer(r);
    return Charts.white(chart);
  }

  private static XYSeries series(String name, double[] meanPerBucket) {
    XYSeries s = new XYSeries(name);
    for (int b = 0; b < meanPerBucket.length; b++) {
      if (!Double.isNaN(meanPerBucket[b])) {
        s.add(b, meanPerBucket[b]);
      }
    }
    return s;
  }

  static JFreeChart roundsChart(List<RoundStats> rounds) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries loss = new XYSeries("train loss");
    XYSeries auc = new XYSeries("test AUC");
    XYSeries testLoss = new XYSeries("test logloss");
    for (RoundStats s : rounds) {
      loss.add(s.round(), s.trainLoss());
      if (!Double.isNaN(s.testAuc())) {
        auc.add(s.round(), s.testAuc());
        testLoss.add(s.round(), s.testLogloss());
      }
    }
    data.addSeries(loss);
    data.addSeries(testLoss);
    data.addSeries(auc);
    JFreeChart chart = ChartFactory.createXYLineChart("Loss and AUC per round", "round", "value", data,
        PlotOrientation.VERTICAL, true, false, false);
    chart.getXYPlot().setRenderer(new XYLineAndShapeRenderer(true, true));
    return Charts.white(chart);
  }

  static JFreeChart storageChart(TableSummary table) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    Storage s = table.storage();
    for (int f = 0; f < table.fields().size(); f++) {
      String name = table.fields().get(f).name();
      data.addValue(s.fixedFloats()[f], "fixed size (FBE)", name);
      data.addValue(s.keptFloats()[f], "kept", name);
    }
    JFreeChart chart = ChartFactory.createBarChart("Embedding storage per field (floats)", "field", "floats", data,
        PlotOrientation.VERTICAL, true, false, false);
    return Charts.white(chart);
  }

  static String html(TableSummary table, AmtlConfig config, List<RoundStats> rounds, EvalStage.Result eval,
      Since since) {
    Storage s = table.storage();
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>AMTL training report</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:right}")
        .append("th{text-align:left}</style></head><body>\n<h1>AMTL training report</h1>\n");
    h.append(String.format(Locale.ROOT, "<p>Embedding %s under %s, d = %d, %d fields.</p>%n",
        config.get(org.amtl.core.config.Keys.EMBEDDING), config.get(org.amtl.core.config.Keys.HEAD),
        table.maxDim(), table.fields().size()));
    h.append("<h2>Test metrics</h2>\n<table>");
    h.append(String.format(Locale.ROOT, "<tr><th>AUC</th><td>%.5f</td></tr><tr><th>logloss</th><td>%.5f</td></tr>"
            + "<tr><th>calibration</th><td>%.4f</td></tr><tr><th>examples</th><td>%d</td></tr>",
        eval.summary().auc(), eval.summary().logloss(), eval.summary().calibration(), eval.summary().count()));
    h.append(String.format(Locale.ROOT, "<tr><th>storage</th><td>%d of %d floats (%.1f%%)</td></tr></table>%n",
        s.totalKept(), s.totalFixed(), 100 * s.ratio()));
    if (since != null) {
      h.append(String.format(Locale.ROOT, "<h2>Since run %s</h2>%n<p>This run started from <a href=\"%s\">run %s</a>"
          + " (its report).</p>%n<pre>%s</pre>%n", escape(since.runId()), escape(since.link()), escape(since.runId()),
          escape(since.changes())));
    }
    h.append("<h2>Learned dim by frequency</h2><img src=\"dims-vs-frequency.png\">\n");
    h.append("<h2>Rounds</h2><img src=\"rounds.png\">\n<table><tr><th>round</th><th>train loss</th>"
        + "<th>test AUC</th><th>test logloss</th><th>examples</th></tr>\n");
    for (RoundStats r : rounds) {
      h.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%.5f</td><td>%.5f</td><td>%.5f</td><td>%d</td></tr>%n",
          r.round(), r.trainLoss(), r.testAuc(), r.testLogloss(), r.examples()));
    }
    h.append("</table>\n<h2>Storage per field</h2><img src=\"storage-per-field.png\">\n</body></html>");
    return h.toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

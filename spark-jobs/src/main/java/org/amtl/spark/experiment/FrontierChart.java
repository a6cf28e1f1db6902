package org.amtl.spark.experiment;

import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import org.amtl.spark.job.Charts;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;

/**
 * AUC against storage on a log axis: each head's FBE sizes joined by a line with +-1 std bars, every other arm as
 * a point at its mean, its bars spanning its storage range over the seeds and +-1 std of its AUC.
 */
final class FrontierChart {
  private FrontierChart() {}

  static JFreeChart of(String name, List<Frontier> frontiers) {
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    XYErrorRenderer renderer = new XYErrorRenderer();
    for (Frontier f : frontiers) {
      XYIntervalSeries line = new XYIntervalSeries(f.head() + "/fbe, d = " + String.join(", ",
          f.points().stream().map(p -> Integer.toString(p.dim())).toList()));
      for (Frontier.Point p : f.points()) {
        line.add(p.storage(), p.storage(), p.storage(), p.aucMean(), p.aucMean() - p.aucStd(),
            p.aucMean() + p.aucStd());
      }
      renderer.setSeriesLinesVisible(data.getSeriesCount(), true);
      data.addSeries(line);
      for (Frontier.Placement p : f.placements()) {
        XYIntervalSeries point = new XYIntervalSeries(p.arm());
        double std = Double.isNaN(p.gapStd()) ? 0 : p.gapStd();
        point.add(p.storageMean(), p.storageMin(), p.storageMax(), p.aucMean(), p.aucMean() - std,
            p.aucMean() + std);
        data.addSeries(point);
      }
    }
    LogAxis storage = new LogAxis("embedding storage against FBE at the reference d (log scale)");
    storage.setBase(2);
    storage.setTickUnit(new NumberTickUnit(1));
    NumberFormat percent = NumberFormat.getPercentInstance(Locale.ROOT);
    percent.setMaximumFractionDigits(1);
    storage.setNumberFormatOverride(percent);
    NumberAxis auc = new NumberAxis("test AUC");
    XYPlot plot = new XYPlot(data, storage, auc, renderer);
    JFreeChart chart = new JFreeChart(name + ": test AUC against storage (means; bars: storage range, +-1 std of "
        + "the paired gap or of FBE's AUC)", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    return Charts.whiteAroundData(chart);
  }
}

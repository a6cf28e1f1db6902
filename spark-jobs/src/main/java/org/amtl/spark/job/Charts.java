package org.amtl.spark.job;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;

/** The charts' one style (white plots) and their PNG files, for the run's report and the experiments' pages. */
public final class Charts {
  private Charts() {}

  /** The chart on a white plot. */
  static JFreeChart white(JFreeChart chart) {
    chart.getPlot().setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** The chart on a white plot whose value axis spans the data, not zero (AUCs close together). */
  public static JFreeChart whiteAroundData(JFreeChart chart) {
    ((NumberAxis) ((XYPlot) chart.getPlot()).getRangeAxis()).setAutoRangeIncludesZero(false);
    return white(chart);
  }

  /** Charts are drawn without a display: call before the first chart is made. */
  public static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  /** Writes the chart as a PNG of the given size, replacing the file. */
  public static void writePng(FileSystem fs, Path file, JFreeChart chart, int width, int height) throws IOException {
    try (OutputStream out = fs.create(file, true)) {
      ChartUtils.writeChartAsPNG(out, chart, width, height);
    }
  }
}

package org.amtl.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.spark.TrainJob;
import org.amtl.spark.job.JobSession;
import org.apache.spark.sql.SparkSession;

/**
 * Does the job's time per row stay flat as the day grows? Runs the job on generated logs of growing size (rows
 * from the arguments, default 1M, 4M and 16M) with the same settings, and prints the time per training row of the
 * whole job and of its training tasks, relative to the smallest run. The log is generated in memory (Spark caches
 * it, spilling to disk), so the figure covers counting, encoding, training, evaluation and publishing, not Parquet
 * reads. A run on 200,000 rows warms the JVM up first and is not reported. Settings: 8 fields of 100,000
 * Zipf(1.1) values, d = 16, MLP 128-64, 2 partitions, 4 rounds, one evaluation at the end, no checkpoints; smaller
 * than the defaults so that 16M rows take minutes, not an hour.
 * Usage: {@code RowScaling [rows...]}.
 */
public final class RowScaling {
  private RowScaling() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String a : args) {
      sizes.add(Integer.parseInt(a));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(1_000_000, 4_000_000, 16_000_000);
    }
    Path out = Files.createTempDirectory("amtl-row-scaling");
    SparkSession spark = JobSession.session("amtl-row-scaling");
    try {
      double baseJob = 0;
      double baseTasks = 0;
      List<Integer> runs = new ArrayList<>(sizes);
      runs.add(0, 200_000); // a warm-up run (Spark start, JIT), not reported
      for (int i = 0; i < runs.size(); i++) {
        int rows = runs.get(i);
        AmtlConfig config = AmtlConfig.defaults().with(Keys.SYNTHETIC_ROWS, rows).with(Keys.SYNTHETIC_FIELDS, 8)
            .with(Keys.SYNTHETIC_VALUES, 100_000).with(Keys.DIM, 16).with(Keys.EVAL_PER_ROUND, false)
            .with(Keys.CHECKPOINT_INTERVAL, 0).with(Keys.OUTPUT_PATH, out.resolve("tables").toString())
            .with(Keys.OUTPUT_RUN_ID, "rows-" + rows);
        TrainJob.Summary s = TrainJob.run(spark, config);
        Map<String, Double> t = s.stageSeconds();
        double job = t.values().stream().mapToDouble(Double::doubleValue).sum();
        double tasks = t.getOrDefault("train: partition tasks", 0.0);
        double perRow = 1e6 * job / s.trainRows();
        double tasksPerRow = 1e6 * tasks / s.trainRows();
        if (i == 0) {
          continue;
        }
        if (baseJob == 0) {
          baseJob = perRow;
          baseTasks = tasksPerRow;
        }
        System.out.printf(Locale.ROOT, "%,11d rows: job %6.1f s, %5.1f us per training row (%.2fx the first); "
            + "training tasks %5.1f us per row (%.2fx); test AUC %.4f%n", rows, job, perRow, perRow / baseJob,
            tasksPerRow, tasksPerRow / baseTasks, s.auc());
      }
    } finally {
      spark.stop();
      org.apache.commons.io.FileUtils.deleteQuietly(out.toFile());
    }
  }
}

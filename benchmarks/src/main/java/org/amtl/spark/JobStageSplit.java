package org.amtl.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.apache.spark.sql.SparkSession;

/**
 * The whole job's time split by stage, at default settings, on a generated click log written to Parquet first (26
 * fields; rows from the first argument, default 1,000,000): read and check, count, encode, the training rounds (partition tasks, parameter
 * averaging, broadcast, checkpoints), evaluation and publishing. Prints each stage's share and averaging's share of
 * the rounds. Lives in the job's package because the job's stages are package-private.
 * Usage: {@code JobStageSplit [rows]}.
 */
public final class JobStageSplit {
  private JobStageSplit() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path out = Files.createTempDirectory("amtl-stage-split");
    SparkSession spark = TrainJob.session("amtl-stage-split");
    try {
      String log = out.resolve("log").toString();
      SyntheticInput.generate(spark, AmtlConfig.defaults().with(Keys.SYNTHETIC_ROWS, rows)).write().parquet(log);
      AmtlConfig config = AmtlConfig.defaults().with(Keys.INPUT_PATHS, java.util.List.of(log))
          .with(Keys.OUTPUT_PATH, out.resolve("tables").toString()).with(Keys.OUTPUT_RUN_ID, "split");
      TrainJob.Summary s = TrainJob.run(spark, config);
      Map<String, Double> t = s.stageSeconds();
      double total = t.values().stream().mapToDouble(Double::doubleValue).sum();
      System.out.printf(Locale.ROOT, "job on %,d rows x 26 fields of Parquet (defaults): %.1f s%n", rows, total);
      t.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-48s %7.1f s  %5.1f%%%n", k, v, 100 * v / total));
      double tasks = t.getOrDefault("train: partition tasks", 0.0);
      double average = t.getOrDefault("train: average", 0.0);
      double broadcast = t.getOrDefault("train: broadcast", 0.0);
      double rounds = tasks + average + broadcast + t.getOrDefault("train: checkpoint", 0.0)
          + t.getOrDefault("evaluate", 0.0);
      System.out.printf(Locale.ROOT, "parameter averaging: %.1f%% of the rounds (tasks, averaging, broadcast, "
          + "checkpoints, evaluation), %.1f%% of tasks + averaging + broadcast; %.1f us per training row%n",
          100 * average / rounds, 100 * average / (tasks + average + broadcast), 1e6 * total / s.trainRows());
    } finally {
      spark.stop();
      org.apache.commons.io.FileUtils.deleteQuietly(out.toFile());
    }
  }
}

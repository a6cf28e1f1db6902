package org.amtl.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.spark.TrainJob;
import org.amtl.spark.io.SyntheticInput;
import org.amtl.spark.job.JobSession;
import org.apache.spark.sql.SparkSession;

/**
 * Rows in every task against rows in shards (train.tables) where both fit, side by side in one JVM: for each
 * vocabulary size (values per field of a generated log of 26 fields, written to Parquet first), the job with
 * broadcast and with sharded tables, in the order broadcast, sharded, sharded, broadcast (a shared machine drifts),
 * and the ratio sharded / broadcast of the training rounds' time (tasks, averaging, moving rows and states, without
 * evaluation and checkpoints), of counting and encoding, of evaluation and of publishing. Also prints a round's
 * share of the rows: the distinct rows a round's slices touch against the vocabulary, which is what the sharded
 * path moves and the broadcast path moves all of: more rounds per epoch make it smaller. Usage:
 * {@code ShardedSpeed rows roundsPerEpoch values...}.
 */
public final class ShardedSpeed {
  private ShardedSpeed() {}

  public static void main(String[] args) throws Exception {
    int rows = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    SparkSession spark = JobSession.session("amtl-sharded-speed");
    Path out = Files.createTempDirectory("amtl-sharded-speed");
    try {
      System.out.printf(Locale.ROOT, "%,d rows x 26 fields, d = 32, %s, 2 partitions, %d rounds, checkpoints off%n",
          rows, spark.sparkContext().master(), rounds);
      System.out.printf(Locale.ROOT, "%10s %12s %12s %9s %9s %9s %9s%n", "values", "vocabulary", "round/vocab",
          "rounds", "count+enc", "evaluate", "publish");
      for (int i = 2; i < args.length; i++) {
        int values = Integer.parseInt(args[i]);
        String log = out.resolve("log-" + values).toString();
        AmtlConfig generated = AmtlConfig.defaults().with(Keys.SYNTHETIC_ROWS, rows)
            .with(Keys.SYNTHETIC_VALUES, values);
        SyntheticInput.generate(spark, generated).write().parquet(log);
        AmtlConfig config = AmtlConfig.defaults().with(Keys.INPUT_PATHS, java.util.List.of(log))
            .with(Keys.OUTPUT_PATH, out.resolve("tables-" + values).toString()).with(Keys.CHECKPOINT_INTERVAL, 0)
            .with(Keys.OUTPUT_OVERWRITE, true).with(Keys.ROUNDS_PER_EPOCH, rounds);
        double[] broadcast = new double[4];
        double[] sharded = new double[4];
        TrainJob.Summary last = null;
        for (String mode : new String[] {"broadcast", "sharded", "sharded", "broadcast"}) {
          TrainJob.Summary s = TrainJob.run(spark, config.with(Keys.OUTPUT_RUN_ID, mode).with(Keys.TABLES,
              mode.equals("sharded") ? Keys.TableMode.SHARDED : Keys.TableMode.BROADCAST));
          add(mode.equals("sharded") ? sharded : broadcast, s.stageSeconds());
          last = s;
        }
        long vocabulary = vocabulary(out.resolve("tables-" + values).resolve("sharded"));
        // the distinct values of a round's share of the rows: about what a round's slices pull and push
        org.amtl.spark.io.InputStage.Input input = org.amtl.spark.io.InputStage.read(spark, config);
        double touched = org.amtl.spark.job.FrequencyStage.counts(input.rows().sample(1.0 / rounds, 1), input.fields(), 1)
            .count();
        input.release();
        System.out.printf(Locale.ROOT, "%10d %12d %12.3f %9s %9s %9s %9s%n", values, vocabulary,
            touched / vocabulary, ratio(sharded[0], broadcast[0]), ratio(sharded[1], broadcast[1]),
            ratio(sharded[2], broadcast[2]), ratio(sharded[3], broadcast[3]));
        System.out.printf(Locale.ROOT, "%10s seconds, broadcast then sharded (two runs each): rounds %.1f / %.1f, "
            + "count+encode %.1f / %.1f, evaluate %.1f / %.1f, publish %.1f / %.1f (%d rounds)%n", "", broadcast[0],
            sharded[0], broadcast[1], sharded[1], broadcast[2], sharded[2], broadcast[3], sharded[3],
            last.rounds().size());
      }
    } finally {
      spark.stop();
      org.apache.commons.io.FileUtils.deleteQuietly(out.toFile());
    }
  }

  /** Adds a run's seconds: training rounds, counting and encoding, evaluation, publishing. */
  private static void add(double[] sums, Map<String, Double> t) {
    for (Map.Entry<String, Double> e : t.entrySet()) {
      String k = e.getKey();
      if (k.startsWith("train:") && !k.equals("train: checkpoint")) {
        sums[0] += e.getValue();
      } else if (k.equals("count values") || k.equals("encode and lay out examples")) {
        sums[1] += e.getValue();
      } else if (k.equals("evaluate")) {
        sums[2] += e.getValue();
      } else if (k.equals("publish")) {
        sums[3] += e.getValue();
      }
    }
  }

  private static String ratio(double sharded, double broadcast) {
    return String.format(Locale.ROOT, "%.2fx", sharded / broadcast);
  }

  private static long vocabulary(Path table) throws java.io.IOException {
    return org.amtl.core.table.Manifest.read(new org.apache.hadoop.fs.Path(table.toUri()),
        new org.apache.hadoop.conf.Configuration()).path("storage").path("fixedFloats").asLong() / 32;
  }
}

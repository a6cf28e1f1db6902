package org.amtl.spark.experiment;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.train.RoundStats;
import org.amtl.core.util.Seeds;
import org.amtl.spark.TrainJob;
import org.amtl.spark.job.SplitStage;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Hot start against cold start at equal training budget, through the real job path (published tables and
 * {@code hotStart.path}). The input is cut into two "days" by a seeded hash of each row (generated input: days 0
 * and 1 of the planted model). Day 1 trains AMTL and FBE, both published; day 2 then trains three ways, evaluating
 * its own test split after every round: AMTL from scratch, AMTL hot-started from day 1's AMTL (nightly), and AMTL
 * added on top of day 1's FBE. Work files go under {@code <output.path>/experiment-<name>-hot-start} and are removed
 * at the end.
 */
final class HotStartExperiment {
  static final String COLD = "cold: AMTL from scratch";
  static final String NIGHTLY = "hot: from day 1 AMTL";
  static final String ON_FBE = "hot: AMTL on day 1 FBE";

  /** Test AUC of day 2 after each round; budget = rounds done / rounds per epoch (epochs of day-2 data). */
  record Curve(String name, double[] budget, double[] auc) {}

  private HotStartExperiment() {}

  static List<Curve> run(SparkSession spark, AmtlConfig config) throws IOException {
    Path work = new Path(config.get(Keys.OUTPUT_PATH), "experiment-" + config.get(Keys.EXPERIMENT_NAME)
        + "-hot-start");
    FileSystem fs = work.getFileSystem(spark.sparkContext().hadoopConfiguration());
    fs.delete(work, true);
    try {
      AmtlConfig base = config.with(Keys.OUTPUT_PATH, new Path(work, "tables").toString())
          .withRaw(Keys.HEAD.name(), "dnn").with(Keys.CHECKPOINT_INTERVAL, 0).with(Keys.HOT_START, "");
      AmtlConfig day1;
      AmtlConfig day2;
      if (config.get(Keys.INPUT_PATHS).isEmpty()) {
        day1 = base.with(Keys.SYNTHETIC_DAY, 0);
        day2 = base.with(Keys.SYNTHETIC_DAY, 1);
      } else {
        Path[] days = cutIntoDays(spark, config, work);
        day1 = base.with(Keys.INPUT_PATHS, List.of(days[0].toString()));
        day2 = base.with(Keys.INPUT_PATHS, List.of(days[1].toString()));
      }
      String tables = new Path(work, "tables").toString();
      day1 = day1.with(Keys.EVAL_PER_ROUND, false);
      TrainJob.run(spark, day1.withRaw(Keys.EMBEDDING.name(), "amtl").with(Keys.OUTPUT_RUN_ID, "day1-amtl"));
      TrainJob.run(spark, day1.withRaw(Keys.EMBEDDING.name(), "fbe").with(Keys.OUTPUT_RUN_ID, "day1-fbe"));
      day2 = day2.withRaw(Keys.EMBEDDING.name(), "amtl").with(Keys.EVAL_PER_ROUND, true);
      List<Curve> curves = new ArrayList<>();
      curves.add(curve(COLD, TrainJob.run(spark, day2.with(Keys.OUTPUT_RUN_ID, "day2-cold")), config));
      curves.add(curve(NIGHTLY, TrainJob.run(spark, day2.with(Keys.OUTPUT_RUN_ID, "day2-hot")
          .with(Keys.HOT_START, tables + "/day1-amtl")), config));
      curves.add(curve(ON_FBE, TrainJob.run(spark, day2.with(Keys.OUTPUT_RUN_ID, "day2-on-fbe")
          .with(Keys.HOT_START, tables + "/day1-fbe")), config));
      return curves;
    } finally {
      fs.delete(work, true);
    }
  }

  /** Writes the input's rows into day1/ and day2/ under {@code work}, by a seeded hash of each row's content. */
  private static Path[] cutIntoDays(SparkSession spark, AmtlConfig config, Path work) {
    Dataset<Row> rows = spark.read().parquet(config.get(Keys.INPUT_PATHS).toArray(String[]::new));
    Column day = pmod(SplitStage.contentHash(rows, Seeds.derive(config.get(Keys.SEED), "hot-start-day")), lit(2));
    Path[] days = {new Path(work, "day1"), new Path(work, "day2")};
    for (int d = 0; d < 2; d++) {
      rows.filter(day.equalTo(d)).write().parquet(days[d].toString());
    }
    return days;
  }

  private static Curve curve(String name, TrainJob.Summary run, AmtlConfig config) {
    int perEpoch = config.getInt(Keys.ROUNDS_PER_EPOCH);
    List<RoundStats> rounds = run.rounds();
    double[] budget = new double[rounds.size()];
    double[] auc = new double[rounds.size()];
    for (int i = 0; i < rounds.size(); i++) {
      budget[i] = (double) rounds.get(i).round() / perEpoch;
      auc[i] = rounds.get(i).testAuc();
    }
    return new Curve(name, budget, auc);
  }
}

package org.amtl.spark.experiment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.DimsByFrequency;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.train.RoundStats;
import org.amtl.spark.TrainJob;
import org.amtl.spark.cli.JobMain;
import org.amtl.spark.job.EvalStage;
import org.amtl.spark.job.ExecutorModels;
import org.amtl.spark.job.PreparedData;
import org.amtl.spark.job.StageTimer;
import org.amtl.spark.job.TrainStage;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The method comparison behind docs/results.md. Reads, splits, counts and encodes the input once, then trains
 * every arm ({@code experiment.arms}) with every seed ({@code experiment.seeds}) on that same split with the same
 * training budget (epochs, rounds, batch), and evaluates each on the same test rows. Optionally adds the hot-start
 * comparison ({@link HotStartExperiment}). Writes results.json, results.md and charts
 * ({@link ExperimentReport}) under {@code <experiment.output>/<experiment.name>/}. Publishes no tables.
 */
public final class ExperimentJob {
  private static final Logger LOG = LoggerFactory.getLogger(ExperimentJob.class);

  /** One trained and evaluated model. */
  record Run(String arm, int seed, double auc, double logloss, double storageRatio, long keptFloats,
      double trainSeconds, long examples) {}

  /** Everything an experiment measured. */
  record Results(String name, AmtlConfig config, long trainRows, long testRows, Map<String, Integer> vocabSizes,
      List<ExperimentArm> arms, List<Run> runs, String dimsArm, DimsByFrequency dims,
      List<HotStartExperiment.Curve> hotStart, double wallSeconds) {}

  private ExperimentJob() {}

  public static void main(String[] args) {
    JobMain.main("amtl-experiment", args, (spark, config) -> {
      Results r = run(spark, config);
      String dir = ExperimentReport.write(r, spark.sparkContext().hadoopConfiguration());
      return ExperimentReport.consoleSummary(r) + "wrote " + dir + "\n";
    });
  }

  public static Results run(SparkSession spark, AmtlConfig config) throws IOException {
    config.validate();
    long started = System.nanoTime();
    List<ExperimentArm> arms = ExperimentArm.parseAll(config.get(Keys.EXPERIMENT_ARMS));
    for (ExperimentArm arm : arms) {
      arm.configure(config);
    }
    if (arms.isEmpty()) {
      throw new IllegalArgumentException("config key '" + Keys.EXPERIMENT_ARMS.name() + "' lists no arm");
    }
    int[] seeds = config.get(Keys.EXPERIMENT_SEEDS);
    String dimsOf = config.get(Keys.EXPERIMENT_DIMS_ARM).trim();
    if (!dimsOf.isEmpty() && arms.stream().noneMatch(a -> a.label().equals(dimsOf) && a.hasMask(config))) {
      throw new IllegalArgumentException("config key '" + Keys.EXPERIMENT_DIMS_ARM.name() + "' names '" + dimsOf
          + "', which is not an AMTL-family arm of " + Keys.EXPERIMENT_ARMS.name());
    }
    ExperimentReport.checkReplaceable(config, spark.sparkContext().hadoopConfiguration());
    spark.conf().set("spark.sql.constraintPropagation.enabled", "false"); // see TrainJob.run
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    LOG.info("experiment '{}': {} arms x {} seeds", config.get(Keys.EXPERIMENT_NAME), arms.size(), seeds.length);

    // the arms share one vocabulary on the driver: an experiment trains with broadcast tables
    PreparedData data = PreparedData.prepare(spark, config.with(Keys.TABLES, Keys.TableMode.BROADCAST),
        new StageTimer());
    List<Run> runs = new ArrayList<>();
    DimsByFrequency dims = null;
    String dimsArm = null;
    int total = arms.size() * seeds.length;
    for (ExperimentArm arm : arms) {
      for (int seed : seeds) {
        AmtlConfig armConfig = arm.configure(config).with(Keys.SEED, (long) seed)
            .with(Keys.EVAL_PER_ROUND, false).with(Keys.CHECKPOINT_INTERVAL, 0);
        CtrModel model = new CtrModel(armConfig, data.vocab());
        Run run = trainAndEvaluate(sc, arm.label(), seed, model, armConfig, data);
        runs.add(run);
        LOG.info(String.format(Locale.ROOT, "experiment run %d/%d: %s seed %d  AUC %.5f  logloss %.5f  storage "
                + "%.1f%%  %.1f s", runs.size(), total, arm.label(), seed, run.auc(), run.logloss(),
            100 * run.storageRatio(), run.trainSeconds()));
        boolean showsDims = dimsOf.isEmpty() ? arm.variant().equals(EmbeddingVariant.AMTL.key())
            : arm.label().equals(dimsOf);
        if (dims == null && showsDims) {
          dims = DimsByFrequency.of(model, armConfig.getInt(Keys.FREQUENCY_BUCKETS));
          dimsArm = arm.label() + " seed " + seed;
        }
      }
    }
    java.util.Map<String, Integer> vocabSizes = new java.util.LinkedHashMap<>();
    data.vocab().fields().forEach(f -> vocabSizes.put(f.name(), f.size()));
    long trainRows = data.trainRows();
    long testRows = data.testRows();
    data.release();

    List<HotStartExperiment.Curve> hot = config.getBoolean(Keys.EXPERIMENT_HOT_START)
        ? HotStartExperiment.run(spark, config) : List.of();
    return new Results(config.get(Keys.EXPERIMENT_NAME), config, trainRows, testRows, vocabSizes, arms, runs,
        dimsArm, dims, hot, (System.nanoTime() - started) / 1e9);
  }

  private static Run trainAndEvaluate(JavaSparkContext sc, String arm, int seed, CtrModel model, AmtlConfig config,
      PreparedData data) throws IOException {
    Map<String, String> shipped = ExecutorModels.ship(config);
    int buckets = config.getInt(Keys.FREQUENCY_BUCKETS);
    Path exchange = new Path(config.get(Keys.OUTPUT_PATH), ".experiment-" + config.get(Keys.EXPERIMENT_NAME)
        + ".rounds");
    StageTimer timer = new StageTimer();
    long start = System.nanoTime();
    TrainStage.Trained trained = TrainStage.train(sc, model, data.train(), data.trainCounts(),
        data.countsBroadcast(), config, null, exchange, (state, round, last) -> last
            ? EvalStage.evaluate(data.test(), data.countsBroadcast(), state, shipped, buckets,
                data.vocab().numFields()) : null, timer);
    double trainSeconds = (System.nanoTime() - start) / 1e9 - timer.seconds().getOrDefault("evaluate", 0.0);
    List<RoundStats> rounds = trained.rounds();
    EvalStage.Result eval = trained.lastEvaluation();
    long examples = rounds.stream().mapToLong(RoundStats::examples).sum();
    return new Run(arm, seed, eval.summary().auc(), eval.summary().logloss(), model.storage().ratio(),
        model.storage().totalKept(), trainSeconds, examples);
  }
}

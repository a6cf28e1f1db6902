package org.amtl.spark;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.config.Redaction;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.Storage;
import org.amtl.core.table.HotStart;
import org.amtl.core.table.HotStartSource;
import org.amtl.core.table.ManifestBuilder;
import org.amtl.core.table.TableReader;
import org.amtl.core.train.RoundStats;
import org.amtl.spark.cli.JobMain;
import org.amtl.spark.io.FieldSpec;
import org.amtl.spark.io.InputStage;
import org.amtl.spark.job.Checkpoints;
import org.amtl.spark.job.DenseKernels;
import org.amtl.spark.job.EvalStage;
import org.amtl.spark.job.ExecutorModels;
import org.amtl.spark.job.ExportStage;
import org.amtl.spark.job.PreparedData;
import org.amtl.spark.job.RunFolders;
import org.amtl.spark.job.ShardedTraining;
import org.amtl.spark.job.StageTimer;
import org.amtl.spark.job.TrainStage;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly training job. Usage: {@code TrainJob [--config file.properties] [--conf key=value]...}; with no
 * input paths it trains on a generated log. Reads as a table of contents: read -> split -> count -> broadcast ->
 * encode -> train rounds (with evaluation) -> publish.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

  /**
   * What a finished run reports; {@code modelBytes} are one training copy's parameters and optimizer state,
   * {@code cachedExampleBytes} the arrays of the cached train and test examples.
   */
  public record Summary(String output, double auc, double logloss, double calibration, double storageRatio,
      long trainRows, long testRows, List<RoundStats> rounds, Map<String, Double> stageSeconds,
      long modelBytes, long cachedExampleBytes) {}

  private TrainJob() {}

  public static void main(String[] args) {
    JobMain.main("amtl-train", args, (spark, config) -> {
      Summary s = run(spark, config);
      return String.format(Locale.ROOT, "test AUC %.5f  logloss %.5f  calibration %.4f  storage %.1f%% of fixed size%n"
          + "trained on %d rows, evaluated on %d%npublished %s%n", s.auc(), s.logloss(), s.calibration(),
          100 * s.storageRatio(), s.trainRows(), s.testRows(), s.output());
    });
  }

  /**
   * Runs the job on {@code spark} (validating {@code config} first) and returns what it published; what
   * {@code main} does after parsing its arguments, and what the experiment job and the benchmarks call.
   */
  public static Summary run(SparkSession spark, AmtlConfig config) throws IOException {
    config.validate();
    long started = System.currentTimeMillis();
    String runId = config.get(Keys.OUTPUT_RUN_ID).isEmpty()
        ? DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(started))
        : config.get(Keys.OUTPUT_RUN_ID);
    LOG.info("AMTL training run {} with configuration {}", runId, Redaction.redact(config.explicitValues()));
    DenseKernels.log(LOG, config.get(Keys.KERNELS), "on the driver (executors log theirs)");
    // With a filter on a hash of ~30 aliased columns, Catalyst's constraint propagation grows combinatorially
    // (minutes and gigabytes at 26 fields); the job's plans gain nothing from it.
    spark.conf().set("spark.sql.constraintPropagation.enabled", "false");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = sc.hadoopConfiguration();
    ExportStage.checkOutsideInputs(config, hadoop);
    RunFolders folders = new RunFolders(new Path(config.get(Keys.OUTPUT_PATH)), runId, hadoop);
    folders.checkReplaceable(config.getBoolean(Keys.OUTPUT_OVERWRITE));
    HotStartSource source = HotStartSource.resolve(config.get(Keys.HOT_START), new Path(config.get(Keys.OUTPUT_PATH)),
        runId, hadoop);
    if (source.fromLatest()) {
      LOG.info(Redaction.redactUris(source.why()));
    }
    String hotStartPath = source.path();
    TableReader hotStart = hotStartPath.isEmpty() ? null
        : HotStart.open(new Path(hotStartPath), hadoop);

    StageTimer timer = new StageTimer();
    PreparedData data = PreparedData.prepare(spark, config, timer);
    InputStage.Input input = data.input();
    ManifestBuilder.RunFacts facts = new ManifestBuilder.RunFacts(runId, input.paths(), data.trainRows(),
        data.testRows(), input.fields().stream().map(FieldSpec::list).toList(), source, started,
        data.placement().shards());
    Path exchange = new Path(config.get(Keys.OUTPUT_PATH), "." + runId + ".rounds");
    List<RoundStats> rounds;
    EvalStage.Result evaluation;
    ExportStage.Published published;
    long modelBytes;
    if (data.placement().sharded()) {
      ShardedTraining.Result result = ShardedTraining.trainAndPublish(spark, data, config, hotStart, folders, facts,
          exchange, timer);
      if (hotStart != null) {
        hotStart.close();
      }
      data.release();
      rounds = result.rounds();
      evaluation = result.evaluation();
      published = result.published();
      modelBytes = data.placement().copyBytes();
    } else {
      Vocabulary vocab = data.vocab();
      Broadcast<Vocabulary> counts = data.countsBroadcast();
      CtrModel model = new CtrModel(config, vocab);
      if (hotStart != null) {
        HotStart.Result carried = HotStart.apply(model, new Path(hotStartPath), hotStart);
        LOG.info("hot start from {}: {}", Redaction.redactUris(hotStartPath), carried);
        hotStart.close();
      }
      LOG.info(String.format(java.util.Locale.ROOT, "model: %,d dense parameters, %d tables; parameters and "
          + "optimizer state %.1f MB per training copy", model.params().size(), model.tables().size(),
          model.parameterAndOptimizerBytes() / 1e6));
      Map<String, String> shipped = ExecutorModels.ship(config);
      int buckets = config.getInt(Keys.FREQUENCY_BUCKETS);
      Checkpoints checkpoints = config.getInt(Keys.CHECKPOINT_INTERVAL) == 0 ? null
          : new Checkpoints(new Path(config.get(Keys.OUTPUT_PATH)), runId,
              Checkpoints.fingerprint(config, input, data.trainCounts(), vocab), hadoop);
      boolean everyRound = config.getBoolean(Keys.EVAL_PER_ROUND);
      JavaRDD<ExampleBlock> test = data.test();
      TrainStage.Trained trained = TrainStage.train(sc, model, data.train(), data.trainCounts(), counts, config,
          checkpoints, exchange, (state, round, last) -> last || everyRound
              ? EvalStage.evaluate(test, counts, state, shipped, buckets, vocab.numFields()) : null, timer);
      rounds = trained.rounds();
      evaluation = trained.lastEvaluation();
      timer.done("train: wrap up");
      data.release();
      sc.setJobDescription("AMTL publish");
      published = ExportStage.publish(folders, ExportStage.ofModel(model, config, hadoop), config, rounds,
          evaluation, facts, hadoop);
      if (checkpoints != null) {
        checkpoints.clear();
      }
      modelBytes = model.parameterAndOptimizerBytes();
    }
    if (config.getBoolean(Keys.OUTPUT_LATEST)) {
      folders.pointLatestHere();
    }
    sc.setJobDescription(null);
    timer.done("publish");
    LOG.info(timer.summary());
    Storage storage = published.table().storage();
    Path out = published.folder();
    LOG.info("published {} (test AUC {}, storage {} of {} floats)", Redaction.redactUris(out.toString()),
        evaluation.summary().auc(), storage.totalKept(), storage.totalFixed());
    return new Summary(Redaction.redactUris(out.toString()), evaluation.summary().auc(), evaluation.summary().logloss(),
        evaluation.summary().calibration(), storage.ratio(), data.trainRows(), data.testRows(), rounds,
        timer.seconds(), modelBytes, data.cachedBytes());
  }
}

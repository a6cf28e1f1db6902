package org.amtl.spark;

import java.io.IOException;
import java.nio.file.Path;
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
import org.amtl.core.table.ManifestBuilder;
import org.amtl.core.table.TableReader;
import org.amtl.core.train.RoundStats;
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

  /** {@code --config file} then {@code --conf key=value} overrides, in order. */
  static AmtlConfig parseArgs(String[] args) throws IOException {
    AmtlConfig config = AmtlConfig.defaults();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if ((a.equals("--config") || a.equals("--conf")) && i + 1 >= args.length) {
        throw new IllegalArgumentException("argument " + a + " needs a value");
      }
      if (a.equals("--config")) {
        config = AmtlConfig.load(Path.of(args[++i])).withAll(explicitAsProperties(config));
      } else if (a.equals("--conf")) {
        String[] kv = args[++i].split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("--conf " + args[i] + " (expected key=value)");
        }
        config = config.withRaw(kv[0].trim(), kv[1]);
      } else {
        throw new IllegalArgumentException("unknown argument '" + a + "' (expected --config FILE or --conf KEY=VALUE)");
      }
    }
    return config.validate();
  }

  /** What a checkpoint must match to be resumed: the configuration, the input and the data layout. */
  static String fingerprint(AmtlConfig config, InputStage.Input input, long[] trainCounts, Vocabulary vocab) {
    java.util.Properties resolved = config.toProperties();
    StringBuilder sb = new StringBuilder();
    new java.util.TreeSet<>(resolved.stringPropertyNames()).forEach(k -> sb.append(k).append('=')
        .append(resolved.getProperty(k)).append('\n'));
    sb.append(input.paths()).append(java.util.Arrays.toString(trainCounts));
    vocab.fields().forEach(f -> sb.append(f.name()).append(':').append(java.util.Arrays.hashCode(f.counts())));
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static java.util.Properties explicitAsProperties(AmtlConfig c) {
    java.util.Properties p = new java.util.Properties();
    p.putAll(c.explicitValues());
    return p;
  }

  /**
   * Spark's memory page for sorts and hash aggregations unless one is set: Spark sizes it from the executor's heap
   * per core (64 MB for 2 GB and one core), and the count and the layout hold two or three pages per task however
   * little they fill; 8 MB pages hold the same rows in a fraction of that (a map or a sort grows by pages).
   */
  static final String PAGE_SIZE = "8m";

  /** The active session, or a new one as {@link #builder} configures it (local[*] when no master is set). */
  static SparkSession session(String appName) {
    SparkSession.Builder b = builder(appName);
    if (!new org.apache.spark.SparkConf().contains("spark.master")) { // spark-submit's settings and -Dspark.*
      b.master("local[*]");
    }
    return b.getOrCreate();
  }

  /**
   * The job's session settings: Kryo with registration required, and {@link #PAGE_SIZE} as
   * {@code spark.buffer.pageSize} unless spark-submit or a {@code -Dspark.*} property sets one.
   */
  static SparkSession.Builder builder(String appName) {
    SparkSession.Builder b = SparkSession.builder().appName(appName)
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", AmtlKryoRegistrator.class.getName())
        .config("spark.kryo.registrationRequired", "true");
    if (!new org.apache.spark.SparkConf().contains("spark.buffer.pageSize")) {
      b.config("spark.buffer.pageSize", PAGE_SIZE);
    }
    return b;
  }

  /**
   * The input read, split, counted and encoded: what every training run on it shares. Training and evaluation
   * tasks build their models from {@code countsBroadcast} (the vocabulary without its values); the full
   * vocabulary is only for encoding, so executors drop it once the examples are cached (it is fetched again
   * should a lost partition need encoding anew).
   */
  record Prepared(InputStage.Input input, Vocabulary vocab, Broadcast<Vocabulary> vocabBroadcast,
      Broadcast<Vocabulary> countsBroadcast, JavaRDD<ExampleBlock> train, JavaRDD<ExampleBlock> test,
      long[] trainCounts, long trainRows, long testRows, long cachedBytes) {
    /** Frees the cached examples, the input and the vocabulary broadcasts. */
    void release() {
      train.unpersist();
      test.unpersist();
      input.release();
      vocabBroadcast.destroy();
      countsBroadcast.destroy();
    }
  }

  /** Read -> split -> count -> broadcast -> encode; fails when the split leaves no train or no test rows. */
  static Prepared prepare(SparkSession spark, AmtlConfig config, StageTimer timer) throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    sc.setJobDescription("AMTL read and check input");
    InputStage.Input input = InputStage.read(spark, config);
    SplitStage.Split split = SplitStage.split(input, config);
    timer.done("read and check input");
    sc.setJobDescription("AMTL count values (frequency stage)");
    Vocabulary vocab = FrequencyStage.vocabulary(split.train(), input.fields(), config);
    timer.done("count values");
    Broadcast<Vocabulary> vocabBroadcast = sc.broadcast(vocab);
    int partitions = config.getInt(Keys.PARTITIONS);
    long seed = config.get(Keys.SEED);
    sc.setJobDescription("AMTL encode and lay out examples");
    JavaRDD<ExampleBlock> train = EncodeStage.encode(split.train(), input.fields(), vocabBroadcast, partitions, seed,
        "train");
    JavaRDD<ExampleBlock> test = EncodeStage.encode(split.test(), input.fields(), vocabBroadcast, partitions, seed,
        "test");
    EncodeStage.Cached trainCached = EncodeStage.count(train);
    EncodeStage.Cached testCached = EncodeStage.count(test);
    long[] trainCounts = trainCached.perPartition();
    long trainRows = trainCached.rows();
    long testRows = testCached.rows();
    long cachedBytes = trainCached.bytes() + testCached.bytes();
    vocabBroadcast.unpersist(false);
    timer.done("encode and lay out examples");
    if (trainRows == 0 || testRows == 0) {
      throw new IllegalArgumentException((input.paths().isEmpty() ? "generated log" : "input " + input.paths())
          + ": the split left " + trainRows + " train and " + testRows + " test rows (expected both > 0)");
    }
    LOG.info("{} train rows in {} partitions {}, {} test rows, cached in {} MB of arrays; vocabulary sizes {}",
        trainRows, partitions, java.util.Arrays.toString(trainCounts), testRows,
        String.format(java.util.Locale.ROOT, "%.1f", cachedBytes / 1e6),
        vocab.fields().stream().map(f -> f.name() + "=" + f.size()).toList());
    return new Prepared(input, vocab, vocabBroadcast, sc.broadcast(vocab.countsOnly()), train, test, trainCounts,
        trainRows, testRows, cachedBytes);
  }

  public static Summary run(SparkSession spark, AmtlConfig config) throws IOException {
    config.validate();
    long started = System.currentTimeMillis();
    String runId = config.get(Keys.OUTPUT_RUN_ID).isEmpty()
        ? DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(started))
        : config.get(Keys.OUTPUT_RUN_ID);
    LOG.info("AMTL training run {} with configuration {}", runId, Redaction.redact(config.explicitValues()));
    DenseKernels.log(LOG, "on the driver (executors log theirs)");
    // With a filter on a hash of ~30 aliased columns, Catalyst's constraint propagation grows combinatorially
    // (minutes and gigabytes at 26 fields); the job's plans gain nothing from it.
    spark.conf().set("spark.sql.constraintPropagation.enabled", "false");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    org.apache.hadoop.conf.Configuration hadoop = sc.hadoopConfiguration();
    ExportStage.checkOutsideInputs(config, hadoop);
    new RunFolders(new org.apache.hadoop.fs.Path(config.get(Keys.OUTPUT_PATH)), runId, hadoop)
        .checkReplaceable(config.getBoolean(Keys.OUTPUT_OVERWRITE));
    String hotStartPath = config.get(Keys.HOT_START);
    TableReader hotStart = hotStartPath.isEmpty() ? null
        : HotStart.open(new org.apache.hadoop.fs.Path(hotStartPath), hadoop);

    StageTimer timer = new StageTimer();
    Prepared data = prepare(spark, config, timer);
    Vocabulary vocab = data.vocab();
    Broadcast<Vocabulary> counts = data.countsBroadcast();
    InputStage.Input input = data.input();
    JavaRDD<ExampleBlock> train = data.train();
    JavaRDD<ExampleBlock> test = data.test();
    long[] trainCounts = data.trainCounts();
    long trainRows = data.trainRows();
    long testRows = data.testRows();

    CtrModel model = new CtrModel(config, vocab);
    if (hotStart != null) {
      HotStart.Result carried = HotStart.apply(model, new org.apache.hadoop.fs.Path(hotStartPath), hotStart);
      LOG.info("hot start from {}: {}", Redaction.redactUris(hotStartPath), carried);
      hotStart.close();
    }
    LOG.info(String.format(java.util.Locale.ROOT, "model: %,d dense parameters, %d tables; parameters and optimizer "
        + "state %.1f MB per training copy", model.params().size(), model.tables().size(),
        model.parameterAndOptimizerBytes() / 1e6));
    Map<String, String> shipped = ExecutorModels.ship(config);
    int buckets = config.getInt(Keys.FREQUENCY_BUCKETS);
    Checkpoints checkpoints = config.getInt(Keys.CHECKPOINT_INTERVAL) == 0 ? null
        : new Checkpoints(new org.apache.hadoop.fs.Path(config.get(Keys.OUTPUT_PATH)), runId,
            fingerprint(config, input, trainCounts, vocab), hadoop);
    org.apache.hadoop.fs.Path exchange = new org.apache.hadoop.fs.Path(config.get(Keys.OUTPUT_PATH),
        "." + runId + ".rounds");
    boolean everyRound = config.getBoolean(Keys.EVAL_PER_ROUND);
    TrainStage.Trained trained = TrainStage.train(sc, model, train, trainCounts, counts, config, checkpoints,
        exchange, (state, round, last) -> last || everyRound
            ? EvalStage.evaluate(test, counts, state, shipped, buckets, vocab.numFields()) : null, timer);
    List<RoundStats> rounds = trained.rounds();
    EvalStage.Result evaluation = trained.lastEvaluation();
    timer.done("train: wrap up");
    data.release();

    sc.setJobDescription("AMTL publish");
    ManifestBuilder.RunFacts facts = new ManifestBuilder.RunFacts(runId, input.paths(), trainRows, testRows,
        input.fields().stream().map(FieldSpec::list).toList(), hotStartPath, started);
    org.apache.hadoop.fs.Path out = ExportStage.publish(model, config, rounds, evaluation, facts, hadoop);
    if (checkpoints != null) {
      checkpoints.clear();
    }
    sc.setJobDescription(null);
    timer.done("publish");
    LOG.info(timer.summary());
    Storage storage = model.storage();
    LOG.info("published {} (test AUC {}, storage {} of {} floats)", Redaction.redactUris(out.toString()),
        evaluation.summary().auc(),
        storage.totalKept(), storage.totalFixed());
    return new Summary(Redaction.redactUris(out.toString()), evaluation.summary().auc(), evaluation.summary().logloss(),
        evaluation.summary().calibration(), storage.ratio(), trainRows, testRows, rounds, timer.seconds(),
        model.parameterAndOptimizerBytes(), data.cachedBytes());
  }
}

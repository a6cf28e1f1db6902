package org.amtl.bench;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.spark.TrainJob;
import org.amtl.spark.io.FieldSpec;
import org.amtl.spark.io.InputStage;
import org.amtl.spark.io.SyntheticInput;
import org.amtl.spark.job.AmtlKryoRegistrator;
import org.amtl.spark.job.SplitStage;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.FMClassificationModel;
import org.apache.spark.ml.classification.FMClassifier;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * The MLlib peer: Spark MLlib's {@code FMClassifier} (factor size 16, AdamW, mini-batches) against our job on the
 * same generated Parquet log (26 fields x 100,000 Zipf(1.1) values, the reference model's data), the same train /
 * test split (the job's seeded split), the same cores (one Spark session, {@code local[2]} as run by
 * benchmarks/run) and the same number of passes over the training rows. Ours trains the reference model (d = 16,
 * MLP 400-400-400, batch 512, AMTL and FBE) through {@link TrainJob#run}; MLlib gets the rows one-hot encoded by
 * {@code StringIndexer} + {@code OneHotEncoder} (fitted on the train rows, untimed), and its fit is timed alone.
 * Prints training samples/s (passes x train rows / training seconds) and test AUC for each, and the ratios.
 * Usage: {@code FmClassifierPeer [rows] [passes]}.
 */
public final class FmClassifierPeer {
  /** MLlib draws a fraction of the rows per iteration; ten iterations make one expected pass. */
  private static final int ITERATIONS_PER_PASS = 10;

  private FmClassifierPeer() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    Path out = Files.createTempDirectory("amtl-mllib-peer");
    // MLlib's closures carry classes our registrator does not know: registration is not required in this session
    SparkSession spark = SparkSession.builder().appName("amtl-mllib-peer")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", AmtlKryoRegistrator.class.getName())
        .config("spark.kryo.registrationRequired", "false")
        .config("spark.sql.constraintPropagation.enabled", "false").getOrCreate();
    try {
      String log = out.resolve("log").toString();
      AmtlConfig data = AmtlConfig.defaults().with(Keys.SYNTHETIC_ROWS, rows).with(Keys.SYNTHETIC_VALUES, 100_000)
          .with(Keys.DIM, 16);
      SyntheticInput.generate(spark, data).write().parquet(log);
      AmtlConfig base = data.with(Keys.INPUT_PATHS, List.of(log)).with(Keys.HIDDEN, new int[] {400, 400, 400})
          .with(Keys.BATCH_SIZE, 512).with(Keys.EPOCHS, passes).with(Keys.EVAL_PER_ROUND, false)
          .with(Keys.CHECKPOINT_INTERVAL, 0).with(Keys.OUTPUT_PATH, out.resolve("tables").toString());
      System.out.printf(Locale.ROOT, "same data: %,d generated rows x 26 fields (100,000 Zipf(1.1) values each), "
          + "%s, %d pass(es) over the train rows%n", rows, spark.sparkContext().master(), passes);

      double[] fbe = ours(spark, base.with(Keys.EMBEDDING, org.amtl.core.model.EmbeddingVariant.FBE)
          .with(Keys.OUTPUT_RUN_ID, "fbe"), passes, "ours FBE");
      double[] amtl = ours(spark, base.with(Keys.EMBEDDING, org.amtl.core.model.EmbeddingVariant.AMTL)
          .with(Keys.OUTPUT_RUN_ID, "amtl"), passes, "ours AMTL");
      double[] mllib = mllib(spark, base, passes);
      System.out.printf(Locale.ROOT, "MLlib peer: ours FBE / FMClassifier %.1fx samples/s (AUC %+.4f), ours AMTL / "
          + "FMClassifier %.1fx (AUC %+.4f)%n", fbe[0] / mllib[0], fbe[1] - mllib[1], amtl[0] / mllib[0],
          amtl[1] - mllib[1]);
    } finally {
      spark.stop();
      org.apache.commons.io.FileUtils.deleteQuietly(out.toFile());
    }
  }

  /** Our job end to end; the rate counts the partition tasks and the averaging between them. */
  private static double[] ours(SparkSession spark, AmtlConfig config, int passes, String name) throws Exception {
    TrainJob.Summary s = TrainJob.run(spark, config);
    Map<String, Double> t = s.stageSeconds();
    double train = t.getOrDefault("train: partition tasks", 0.0) + t.getOrDefault("train: average", 0.0)
        + t.getOrDefault("train: write state", 0.0);
    double rate = (double) passes * s.trainRows() / train;
    System.out.printf(Locale.ROOT, "%-12s %,9.0f samples/s (%,d train rows in %.1f s of training), test AUC %.4f, "
        + "storage %.1f%%%n", name, rate, s.trainRows(), train, s.auc(), 100 * s.storageRatio());
    return new double[] {rate, s.auc()};
  }

  /** FMClassifier on the job's split, one-hot encoded; only the fit is timed. */
  private static double[] mllib(SparkSession spark, AmtlConfig config, int passes) throws Exception {
    InputStage.Input input = InputStage.read(spark, config);
    SplitStage.Split split = SplitStage.split(input, config);
    String[] fields = input.fields().stream().map(FieldSpec::name).toArray(String[]::new);
    String[] indexed = new String[fields.length];
    String[] hot = new String[fields.length];
    for (int f = 0; f < fields.length; f++) {
      indexed[f] = fields[f] + "_index";
      hot[f] = fields[f] + "_hot";
    }
    Pipeline encode = new Pipeline().setStages(new PipelineStage[] {
        new StringIndexer().setInputCols(fields).setOutputCols(indexed).setHandleInvalid("keep"),
        new OneHotEncoder().setInputCols(indexed).setOutputCols(hot).setDropLast(false).setHandleInvalid("keep"),
        new org.apache.spark.ml.feature.VectorAssembler().setInputCols(hot).setOutputCol("features")});
    long start = System.nanoTime();
    PipelineModel encoder = encode.fit(split.train());
    Dataset<Row> train = prepared(encoder, split.train());
    Dataset<Row> test = prepared(encoder, split.test());
    long trainRows = train.count();
    test.count();
    System.out.printf(Locale.ROOT, "MLlib: one-hot encoding of the split (StringIndexer + OneHotEncoder, untimed "
        + "below): %.1f s, %,d features%n", (System.nanoTime() - start) / 1e9,
        ((org.apache.spark.ml.linalg.Vector) train.first().getAs("features")).size());
    FMClassifier fm = new FMClassifier().setLabelCol("label").setFeaturesCol("features").setFactorSize(16)
        .setSolver("adamW").setStepSize(0.01).setMiniBatchFraction(1.0 / ITERATIONS_PER_PASS)
        .setMaxIter(ITERATIONS_PER_PASS * passes).setTol(0).setRegParam(0).setInitStd(0.01)
        .setSeed(config.get(Keys.SEED));
    start = System.nanoTime();
    FMClassificationModel model = fm.fit(train);
    double seconds = (System.nanoTime() - start) / 1e9;
    double auc = new BinaryClassificationEvaluator().setLabelCol("label").setRawPredictionCol("rawPrediction")
        .setMetricName("areaUnderROC").evaluate(model.transform(test));
    double rate = (double) passes * trainRows / seconds;
    System.out.printf(Locale.ROOT, "%-12s %,9.0f samples/s (%,d train rows, %d iterations of 1/%d of them, in %.1f "
        + "s), test AUC %.4f; %,d coefficients%n", "MLlib FM", rate, trainRows, ITERATIONS_PER_PASS * passes,
        ITERATIONS_PER_PASS, seconds, auc, (long) model.numFeatures() * (fm.getFactorSize() + 1) + 1);
    train.unpersist();
    test.unpersist();
    input.release();
    return new double[] {rate, auc};
  }

  private static Dataset<Row> prepared(PipelineModel encoder, Dataset<Row> rows) {
    return encoder.transform(rows).select(col(InputStage.LABEL).cast(DataTypes.DoubleType).as("label"),
        col("features")).persist(StorageLevel.MEMORY_AND_DISK());
  }
}

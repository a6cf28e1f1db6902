package org.amtl.spark.job;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.FieldStats;
import org.amtl.core.data.Vocabulary;
import org.amtl.spark.io.FieldSpec;
import org.amtl.spark.io.InputStage;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input read, split, counted and encoded: what every training run on it shares. Where the rows will live
 * ({@link TablePlacement}) is decided from the fields' sizes before any vocabulary is built. With broadcast
 * tables the driver builds the vocabulary; training and evaluation tasks build their models from
 * {@code countsBroadcast} (the vocabulary without its values); the full vocabulary is only for encoding, so
 * executors drop it once the examples are cached (it is fetched again should a lost partition need encoding
 * anew). With sharded tables the ids are assigned on the executors ({@code ids}) and examples are encoded by a
 * join; {@code vocab} and the broadcasts are then null.
 */
public record PreparedData(InputStage.Input input, TablePlacement placement, Vocabulary vocab,
    VocabularyIds.Assigned ids, Broadcast<Vocabulary> vocabBroadcast, Broadcast<Vocabulary> countsBroadcast,
    JavaRDD<ExampleBlock> train, JavaRDD<ExampleBlock> test, long[] trainCounts, long trainRows, long testRows,
    long cachedBytes) {
  private static final Logger LOG = LoggerFactory.getLogger(PreparedData.class);

  /** Read -> split -> count -> broadcast -> encode; fails when the split leaves no train or no test rows. */
  public static PreparedData prepare(SparkSession spark, AmtlConfig config, StageTimer timer) throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    sc.setJobDescription("AMTL read and check input");
    InputStage.Input input = InputStage.read(spark, config);
    SplitStage.Split split = SplitStage.split(input, config);
    timer.done("read and check input");
    sc.setJobDescription("AMTL count values (frequency stage)");
    List<String> names = input.fields().stream().map(FieldSpec::name).toList();
    Dataset<Row> counts = FrequencyStage.counts(split.train(), input.fields(), config.get(Keys.MIN_COUNT))
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<FieldStats> stats = VocabularyIds.stats(counts, names);
    TablePlacement placement = TablePlacement.decide(config, names, stats, sc.sc());
    LOG.info(placement.describe());
    int partitions = config.getInt(Keys.PARTITIONS);
    long seed = config.get(Keys.SEED);
    Vocabulary vocab = null;
    Broadcast<Vocabulary> vocabBroadcast = null;
    VocabularyIds.Assigned ids = null;
    JavaRDD<ExampleBlock> train;
    JavaRDD<ExampleBlock> test;
    if (placement.sharded()) {
      ids = VocabularyIds.assign(spark, counts, stats);
      timer.done("count values");
      sc.setJobDescription("AMTL encode and lay out examples");
      train = EncodeStage.encodeByJoin(split.train(), input.fields(), ids.ids(), partitions, seed, "train");
      test = EncodeStage.encodeByJoin(split.test(), input.fields(), ids.ids(), partitions, seed, "test");
    } else {
      vocab = FrequencyStage.collect(counts, input.fields(), config.get(Keys.MIN_COUNT));
      timer.done("count values");
      vocabBroadcast = sc.broadcast(vocab);
      sc.setJobDescription("AMTL encode and lay out examples");
      train = EncodeStage.encode(split.train(), input.fields(), vocabBroadcast, partitions, seed, "train");
      test = EncodeStage.encode(split.test(), input.fields(), vocabBroadcast, partitions, seed, "test");
    }
    EncodeStage.Cached trainCached = EncodeStage.count(train);
    EncodeStage.Cached testCached = EncodeStage.count(test);
    long[] trainCounts = trainCached.perPartition();
    long trainRows = trainCached.rows();
    long testRows = testCached.rows();
    long cachedBytes = trainCached.bytes() + testCached.bytes();
    counts.unpersist();
    if (vocabBroadcast != null) {
      vocabBroadcast.unpersist(false);
    }
    timer.done("encode and lay out examples");
    if (trainRows == 0 || testRows == 0) {
      throw new IllegalArgumentException((input.paths().isEmpty() ? "generated log" : "input " + input.paths())
          + ": the split left " + trainRows + " train and " + testRows + " test rows (expected both > 0)");
    }
    List<String> sizes = new java.util.ArrayList<>();
    for (int f = 0; f < names.size(); f++) {
      sizes.add(names.get(f) + "=" + (stats.get(f).rows() - 1));
    }
    LOG.info("{} train rows in {} partitions {}, {} test rows, cached in {} MB of arrays; vocabulary sizes {}",
        trainRows, partitions, Arrays.toString(trainCounts), testRows,
        String.format(Locale.ROOT, "%.1f", cachedBytes / 1e6), sizes);
    return new PreparedData(input, placement, vocab, ids, vocabBroadcast,
        vocab == null ? null : sc.broadcast(vocab.countsOnly()), train, test, trainCounts, trainRows, testRows,
        cachedBytes);
  }

  /** The fields' names, in training order. */
  public List<String> fieldNames() {
    return input.fields().stream().map(FieldSpec::name).toList();
  }

  /** Frees the cached examples, the input and the vocabulary broadcasts. */
  public void release() {
    train.unpersist();
    test.unpersist();
    input.release();
    if (ids != null) {
      ids.release();
    }
    if (vocabBroadcast != null) {
      vocabBroadcast.destroy();
      countsBroadcast.destroy();
    }
  }
}

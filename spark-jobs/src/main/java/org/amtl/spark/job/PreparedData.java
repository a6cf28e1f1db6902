package org.amtl.spark.job;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.Vocabulary;
import org.amtl.spark.io.InputStage;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input read, split, counted and encoded: what every training run on it shares. Training and evaluation
 * tasks build their models from {@code countsBroadcast} (the vocabulary without its values); the full
 * vocabulary is only for encoding, so executors drop it once the examples are cached (it is fetched again
 * should a lost partition need encoding anew).
 */
public record PreparedData(InputStage.Input input, Vocabulary vocab, Broadcast<Vocabulary> vocabBroadcast,
    Broadcast<Vocabulary> countsBroadcast, JavaRDD<ExampleBlock> train, JavaRDD<ExampleBlock> test,
    long[] trainCounts, long trainRows, long testRows, long cachedBytes) {
  private static final Logger LOG = LoggerFactory.getLogger(PreparedData.class);

  /** Read -> split -> count -> broadcast -> encode; fails when the split leaves no train or no test rows. */
  public static PreparedData prepare(SparkSession spark, AmtlConfig config, StageTimer timer) throws IOException {
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
        trainRows, partitions, Arrays.toString(trainCounts), testRows,
        String.format(Locale.ROOT, "%.1f", cachedBytes / 1e6),
        vocab.fields().stream().map(f -> f.name() + "=" + f.size()).toList());
    return new PreparedData(input, vocab, vocabBroadcast, sc.broadcast(vocab.countsOnly()), train, test, trainCounts,
        trainRows, testRows, cachedBytes);
  }

  /** Frees the cached examples, the input and the vocabulary broadcasts. */
  public void release() {
    train.unpersist();
    test.unpersist();
    input.release();
    vocabBroadcast.destroy();
    countsBroadcast.destroy();
  }
}

package org.amtl.spark.job;

import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.model.HeadType;
import org.amtl.spark.io.FieldSpec;
import org.amtl.spark.io.InputStage;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * What the sharded-tables tests start from: a generated log (4 fields, AMTL under DeepFM, d = 8), counted both
 * ways (the driver's vocabulary and the executors' ids, minimum count 2) and laid out in 3 partitions.
 */
record ShardedFixture(AmtlConfig config, Vocabulary vocab, VocabularyIds.Assigned ids, List<FieldSpec> fields,
    JavaRDD<ExampleBlock> blocks, JavaSparkContext sc) {
  /** The fixture's configuration for a log of {@code rows} rows. */
  static AmtlConfig config(int rows) {
    return AmtlConfig.defaults().with(Keys.SYNTHETIC_ROWS, rows).with(Keys.SYNTHETIC_FIELDS, 4)
        .with(Keys.SYNTHETIC_VALUES, 500).with(Keys.DIM, 8).with(Keys.HIDDEN, new int[] {16})
        .with(Keys.EMBEDDING, EmbeddingVariant.AMTL).with(Keys.HEAD, HeadType.DEEPFM).with(Keys.MIN_COUNT, 2L);
  }

  static ShardedFixture of(SparkSession spark, AmtlConfig config) throws Exception {
    InputStage.Input input = InputStage.read(spark, config);
    List<FieldSpec> fields = input.fields();
    Vocabulary vocab = FrequencyStage.vocabulary(input.rows(), fields, config);
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> counts =
        FrequencyStage.counts(input.rows(), fields, config.get(Keys.MIN_COUNT));
    VocabularyIds.Assigned ids = VocabularyIds.assign(spark, counts, VocabularyIds.stats(counts, names(fields)));
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<ExampleBlock> blocks = EncodeStage.encode(input.rows(), fields, sc.broadcast(vocab), 3, 42, "train");
    return new ShardedFixture(config, vocab, ids, fields, blocks, sc);
  }

  private static List<String> names(List<FieldSpec> fields) {
    return fields.stream().map(FieldSpec::name).toList();
  }

  List<String> names() {
    return names(fields);
  }

  /** What shards and tasks build their models from. */
  RowShards.SliceSpec spec() {
    return new RowShards.SliceSpec(names(), ids.fields(), ExecutorModels.ship(config));
  }
}

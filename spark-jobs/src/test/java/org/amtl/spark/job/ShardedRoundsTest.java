package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.RowRecords;
import org.amtl.spark.LocalSparkTest;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * Two epochs of four rounds with the rows in 3 shards end at today's model, to the bit: every row, every
 * accumulator, the dense parameters and Adam's state, and every round's training loss.
 */
class ShardedRoundsTest extends LocalSparkTest {
  @Test
  void twoEpochsThroughTheShardsEndAtTodaysModel() throws Exception {
    ShardedFixture fx = ShardedFixture.of(spark, ShardedFixture.config(4_000).with(Keys.BATCH_SIZE, 64)
        .with(Keys.EPOCHS, 2).with(Keys.ROUNDS_PER_EPOCH, 4));
    AmtlConfig config = fx.config();
    Vocabulary vocab = fx.vocab();
    VocabularyIds.Assigned ids = fx.ids();
    JavaSparkContext sc = fx.sc();
    JavaRDD<ExampleBlock> blocks = fx.blocks();
    long[] perPartition = EncodeStage.count(blocks).perPartition();

    CtrModel today = new CtrModel(config, vocab.countsOnly());
    TrainStage.Trained expected = TrainStage.train(sc, today, blocks, perPartition, sc.broadcast(vocab.countsOnly()),
        config, null, new org.apache.hadoop.fs.Path(dir.resolve("today").toUri()), (state, round, last) -> null,
        new StageTimer());

    RowShards.SliceSpec spec = fx.spec();
    ModelExchange exchange = new ModelExchange(new org.apache.hadoop.fs.Path(dir.resolve("sharded").toUri()),
        sc.hadoopConfiguration());
    JavaRDD<RowBlock> rows = RowShards.init(ids.ids(), spec, 3).persist(
        org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    ShardedRounds.Trained sharded = ShardedRounds.train(blocks, 4_000, rows, ShardedRounds.denseModel(spec), spec,
        new RowShards.ShardPartitioner(ids.fields(), 3), config, exchange, null, (dense, current, round, last) -> null,
        new StageTimer());

    assertEquals(expected.rounds().stream().map(s -> s.trainLoss()).toList(),
        sharded.rounds().stream().map(s -> s.trainLoss()).toList(), "training loss of every round");
    assertArrayEquals(today.params().values(), sharded.dense().params().values(), "dense parameters");
    assertArrayEquals(today.denseOptimizer().state(), sharded.dense().denseOptimizer().state(), "Adam state");
    Map<Long, ShardRow> after = RowBlock.flatten(sharded.rows()).collectAsMap();
    assertEquals(vocab.fields().stream().mapToInt(f -> f.rows()).sum(), after.size());
    for (ShardRow r : after.values()) {
      int f = RowShards.field(r.key());
      int id = RowShards.id(r.key());
      assertArrayEquals(RowRecords.read(today, f, id), r.record(), "field " + f + ", row " + id);
    }
    sharded.rows().unpersist();
    blocks.unpersist();
  }
}

package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.RowRecords;
import org.amtl.spark.LocalSparkTest;
import org.amtl.spark.io.FieldSpec;
import org.amtl.spark.io.InputStage;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * The sharded rows start as the whole tables do, and each data partition pulls exactly the rows its block
 * touches, with their values, accumulators and counts, whatever the number of shards.
 */
class RowShardsTest extends LocalSparkTest {
  static final int ROUND = 5;
  static final int SLICES = 4;

  /**
   * A row's bytes are what writing each float with DataOutputStream gives (checkpoints written before the bulk
   * write stay readable), and they read back to the same bits, negative zero and a NaN's payload included (the
   * one difference: writeFloat wrote every NaN as the canonical one).
   */
  @Test
  void aRowsFloatsTravelAsBigEndianBytesAndBackBitForBit() throws Exception {
    float[] record = {1.5f, -0f, Float.MAX_VALUE, Float.MIN_VALUE, -3.25e-7f};
    java.io.ByteArrayOutputStream bulk = new java.io.ByteArrayOutputStream();
    ShardRow.write(new ShardRow(RowShards.key(2, 7), 11, record), new java.io.DataOutputStream(bulk));
    java.io.ByteArrayOutputStream each = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream out = new java.io.DataOutputStream(each);
    out.writeLong(RowShards.key(2, 7));
    out.writeLong(11);
    out.writeInt(record.length);
    for (float v : record) {
      out.writeFloat(v);
    }
    assertArrayEquals(each.toByteArray(), bulk.toByteArray());
    ShardRow back = ShardRow.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bulk.toByteArray())));
    assertEquals(RowShards.key(2, 7), back.key());
    assertEquals(11, back.count());
    for (int i = 0; i < record.length; i++) {
      assertEquals(Float.floatToRawIntBits(record[i]), Float.floatToRawIntBits(back.record()[i]), "float " + i);
    }
    java.io.ByteArrayOutputStream nan = new java.io.ByteArrayOutputStream();
    float payload = Float.intBitsToFloat(0x7fc00123);
    ShardRow.writeFloats(new float[] {payload}, new java.io.DataOutputStream(nan));
    assertEquals(0x7fc00123, Float.floatToRawIntBits(ShardRow.readFloats(new java.io.DataInputStream(
        new java.io.ByteArrayInputStream(nan.toByteArray())))[0]));
  }

  @Test
  void shardsStartAsTheWholeTablesAndEachPartitionPullsTheRowsItTouches() throws Exception {
    ShardedFixture fx = ShardedFixture.of(spark, ShardedFixture.config(3_000));
    Vocabulary vocab = fx.vocab();
    VocabularyIds.Assigned ids = fx.ids();
    JavaRDD<ExampleBlock> blocks = fx.blocks();
    CtrModel whole = new CtrModel(fx.config(), vocab.countsOnly());
    List<ExampleBlock> collected = blocks.collect();
    for (int shards : new int[] {1, 3, 7}) {
      RowShards.ShardPartitioner partitioner = new RowShards.ShardPartitioner(ids.fields(), shards);
      JavaRDD<RowBlock> rows = RowShards.init(ids.ids(), fx.spec(), shards);
      Map<Long, ShardRow> all = new TreeMap<>(RowBlock.flatten(rows).collectAsMap());
      assertEquals(vocab.fields().stream().mapToInt(FieldVocabulary::rows).sum(), all.size(), shards + " shards");
      for (ShardRow r : all.values()) {
        int f = RowShards.field(r.key());
        int id = RowShards.id(r.key());
        assertEquals(vocab.field(f).count(id), r.count(), "count of field " + f + ", row " + id);
        assertArrayEquals(RowRecords.read(whole, f, id), r.record(), shards + " shards: field " + f + ", row " + id);
      }
      List<String> pulled = RowShards.pull(rows, RowShards.needs(blocks, partitioner, 0, 1), 3)
          .mapPartitions(it -> {
            List<Long> keys = new ArrayList<>();
            it.forEachRemaining(t -> keys.add(t._2().key()));
            keys.sort(null);
            return List.of(keys.toString()).iterator(); // a string: what tasks return must be registered with Kryo
          }, true).collect();
      for (int p = 0; p < 3; p++) {
        int[][] touched = collected.get(p).touchedRows();
        List<Long> expected = new ArrayList<>();
        for (int f = 0; f < touched.length; f++) {
          for (int id : touched[f]) {
            expected.add(RowShards.key(f, id));
          }
        }
        assertEquals(expected.toString(), pulled.get(p), shards + " shards, partition " + p);
      }
    }
    blocks.unpersist();
  }

  /**
   * One round through the shards (pull, train a slice per partition, push the changed rows, combine them per shard
   * in partition order) leaves every row with the bits of today's round: whole copies trained on the same slices of
   * the same blocks in the same order and averaged by {@code ModelState.average}. Round 5 of 4 slices per epoch
   * (the second epoch's second slice), with 1 and 3 shards, under DeepFM (two tables per field). Then the test
   * split scored through the shards gives today's evaluation of the averaged model.
   */
  @Test
  void aRoundThroughTheShardsEndsAtTheRowsOfWholeCopiesAveraged() throws Exception {
    ShardedFixture fx = ShardedFixture.of(spark, ShardedFixture.config(3_000).with(Keys.BATCH_SIZE, 64));
    AmtlConfig config = fx.config();
    Vocabulary vocab = fx.vocab();
    VocabularyIds.Assigned ids = fx.ids();
    List<FieldSpec> fields = fx.fields();
    JavaSparkContext sc = fx.sc();
    var shipped = ExecutorModels.ship(config);
    JavaRDD<ExampleBlock> blocks = fx.blocks();
    List<ExampleBlock> collected = blocks.collect();

    CtrModel start = new CtrModel(config, vocab.countsOnly());
    float[] denseStart = start.params().values();
    for (int i = 0; i < denseStart.length; i++) { // the driver's dense state is not the initial one: tasks load it
      denseStart[i] *= 1.5f;
    }
    List<org.amtl.core.model.ModelState> copies = new ArrayList<>();
    long[] weights = new long[collected.size()];
    for (int p = 0; p < collected.size(); p++) {
      CtrModel whole = new CtrModel(config, vocab.countsOnly());
      whole.load(start.snapshot());
      whole.clearTouched();
      int[] order = TrainStage.roundOrder(collected.get(p).size(), p, ROUND, SLICES, 42);
      weights[p] = new org.amtl.core.train.LocalTrainer(whole, 64).train(collected.get(p), order, null).examples();
      copies.add(whole.snapshotTouched());
    }
    CtrModel today = new CtrModel(config, vocab.countsOnly());
    today.load(start.snapshot());
    today.load(org.amtl.core.model.ModelState.average(copies, weights));

    ModelExchange exchange = new ModelExchange(new org.apache.hadoop.fs.Path(dir.resolve("exchange").toUri()),
        sc.hadoopConfiguration());
    ModelExchange.Published dense = exchange.publishDense(org.amtl.core.model.ModelState.denseOf(start), ROUND);
    RowShards.SliceSpec spec = fx.spec();
    JavaRDD<ExampleBlock> test = EncodeStage.encode(InputStage.read(spark, config).rows(), fields,
        sc.broadcast(vocab), 2, 43, "test");
    EvalStage.Result expectedEval = EvalStage.evaluate(test, sc.broadcast(vocab.countsOnly()),
        exchange.publish(today, 100), shipped, 8, fields.size());
    for (int shards : new int[] {1, 3}) {
      RowShards.ShardPartitioner partitioner = new RowShards.ShardPartitioner(ids.fields(), shards);
      JavaRDD<RowBlock> rows = RowShards.init(ids.ids(), spec, shards);
      RowShards.Round round = RowShards.round(blocks, rows, RowShards.needs(blocks, partitioner, ROUND, SLICES),
          spec, RowShards.widths(spec), dense, ROUND, SLICES, 42);
      List<org.amtl.core.model.ModelState> denseResults = new ArrayList<>();
      long[] examples = new long[round.results().size()];
      for (RoundResult r : round.results()) {
        denseResults.add(exchange.readResult(r.stateFile()));
        examples[r.partition()] = r.examples();
      }
      assertArrayEquals(weights, examples, "each partition trained its slice");
      org.amtl.core.model.ModelState averaged = org.amtl.core.model.ModelState.average(denseResults, examples);
      assertArrayEquals(today.snapshot().dense(), averaged.dense(), shards + " shards: dense parameters");
      assertEquals(today.snapshot().optimizerSteps(), averaged.optimizerSteps());
      Map<Long, ShardRow> after = RowBlock.flatten(round.rows()).collectAsMap();
      int changed = 0;
      for (ShardRow r : after.values()) {
        int f = RowShards.field(r.key());
        int id = RowShards.id(r.key());
        float[] expected = RowRecords.read(today, f, id);
        changed += java.util.Arrays.equals(expected, RowRecords.read(start, f, id)) ? 0 : 1;
        assertArrayEquals(expected, r.record(), shards + " shards: field " + f + ", row " + id);
      }
      org.junit.jupiter.api.Assertions.assertTrue(changed > 100, "the round changed rows: " + changed);

      // and the test split scored through the shards gives today's evaluation, figure for figure
      ModelExchange.Published after1 = exchange.publishDense(averaged, 1000 + shards); // keeps round 5's state
      EvalStage.Result sharded = RowShards.evaluate(test, round.rows(), RowShards.needs(test, partitioner, 0, 1),
          spec, after1, 8);
      assertEquals(expectedEval.summary().count(), sharded.summary().count());
      assertEquals(expectedEval.summary().auc(), sharded.summary().auc(), 0.0, shards + " shards: AUC");
      assertEquals(expectedEval.summary().logloss(), sharded.summary().logloss(), 0.0, shards + " shards: logloss");
      assertEquals(expectedEval.summary().calibration(), sharded.summary().calibration(), 0.0);
      for (int f = 0; f < fields.size(); f++) {
        for (int b = 0; b < 8; b++) {
          assertEquals(expectedEval.perBucket().auc(f, b), sharded.perBucket().auc(f, b), 0.0, "field " + f
              + ", bucket " + b);
        }
      }
      round.rows().unpersist();
    }
    test.unpersist();
    blocks.unpersist();
  }
}

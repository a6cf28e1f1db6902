package org.amtl.spark.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.FieldStats;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.ModelState;
import org.amtl.core.model.RowRecords;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Embedding rows as a sharded dataset, for tables no JVM can hold ({@link ShardedTraining}). Rows
 * are keyed by (field, id) and spread over shards in contiguous ranges of the fields' concatenated rows
 * ({@link ShardPartitioner}), each shard held as one {@link RowBlock}; each shard builds its rows as the whole tables
 * would start them (a model over the shard's slice of the rows). Each round, each data partition pulls exactly the
 * rows its block touches ({@link #needs}, computed once per run) with their counts.
 */
public final class RowShards {
  private RowShards() {}

  /** The key of row {@code id} of field {@code field}. */
  static long key(int field, int id) {
    return (long) field << 32 | id;
  }

  static int field(long key) {
    return (int) (key >>> 32);
  }

  static int id(long key) {
    return (int) key;
  }

  /**
   * What a shard or a training task needs to build a model over some rows: the fields' names and statistics, and
   * the configuration (shipped as its explicit values).
   */
  record SliceSpec(List<String> fieldNames, List<FieldStats> stats, Map<String, String> config)
      implements java.io.Serializable {
    SliceSpec {
      fieldNames = List.copyOf(fieldNames);
      stats = List.copyOf(stats);
      config = new java.util.HashMap<>(config);
    }

    /** A model over rows {@code rows[f]} of each field (ascending, OOV first), whose values have {@code counts}. */
    CtrModel model(int[][] rows, long[][] counts) {
      List<FieldVocabulary> slices = new ArrayList<>();
      for (int f = 0; f < fieldNames.size(); f++) {
        slices.add(FieldVocabulary.sliceOf(fieldNames.get(f), rows[f], counts[f], stats.get(f)));
      }
      return new CtrModel(ExecutorModels.toConfig(config), new Vocabulary(slices));
    }
  }

  /** Rows in contiguous ranges of the fields' concatenated rows: shard s holds global rows [s T / S, (s+1) T / S). */
  static final class ShardPartitioner extends Partitioner {
    private final long[] fieldStart;
    private final long total;
    private final int shards;

    ShardPartitioner(List<FieldStats> fields, int shards) {
      this.fieldStart = new long[fields.size()];
      long t = 0;
      for (int f = 0; f < fields.size(); f++) {
        fieldStart[f] = t;
        t += fields.get(f).rows();
      }
      this.total = t;
      this.shards = shards;
    }

    @Override
    public int numPartitions() {
      return shards;
    }

    @Override
    public int getPartition(Object key) {
      long k = (Long) key;
      return (int) ((fieldStart[field(k)] + id(k)) * shards / total);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ShardPartitioner p && p.shards == shards && Arrays.equals(p.fieldStart, fieldStart)
          && p.total == total;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(fieldStart) * 31 + shards;
    }
  }

  /**
   * The initial rows: from the ids (rows f, v, id, count as {@link VocabularyIds} assigns them) plus each field's
   * OOV row, each shard builds a model over its rows and reads them out, so every row starts with the bits the
   * whole table gives it. Partition s of the result is shard s, as one block.
   */
  static JavaRDD<RowBlock> init(Dataset<Row> ids, SliceSpec spec, int shards) {
    ShardPartitioner partitioner = new ShardPartitioner(spec.stats(), shards);
    JavaPairRDD<Long, Long> counts = ids.javaRDD()
        .mapToPair(r -> new Tuple2<>(key(r.getInt(0), r.getInt(2)), r.getLong(3)));
    List<Tuple2<Long, Long>> oov = new ArrayList<>();
    for (int f = 0; f < spec.fieldNames().size(); f++) {
      oov.add(new Tuple2<>(key(f, FieldVocabulary.OOV), 0L));
    }
    JavaPairRDD<Long, Long> all = counts.union(JavaPairRDD.fromJavaRDD(
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(ids.sparkSession().sparkContext())
            .parallelize(oov, 1)));
    return all.partitionBy(partitioner).mapPartitions(new ShardBuilder(spec));
  }

  /** A shard's (key, count) pairs -> its rows, built by a model over them, as one block. */
  static final class ShardBuilder
      implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<Tuple2<Long, Long>>, RowBlock> {
    private final SliceSpec spec;

    ShardBuilder(SliceSpec spec) {
      this.spec = spec;
    }

    @Override
    public Iterator<RowBlock> call(Iterator<Tuple2<Long, Long>> pairs) {
      List<Tuple2<Long, Long>> held = new ArrayList<>();
      pairs.forEachRemaining(held::add);
      held.sort((a, b) -> Long.compare(a._1(), b._1()));
      int fields = spec.fieldNames().size();
      int[][] rows = new int[fields][];
      long[][] counts = new long[fields][];
      boolean[][] own = new boolean[fields][]; // false for an OOV row added only because a slice starts with it
      int at = 0;
      for (int f = 0; f < fields; f++) {
        int from = at;
        while (at < held.size() && field(held.get(at)._1()) == f) {
          at++;
        }
        boolean hasOov = at > from && id(held.get(from)._1()) == FieldVocabulary.OOV;
        int n = at - from + (hasOov ? 0 : 1);
        rows[f] = new int[n];
        counts[f] = new long[n];
        own[f] = new boolean[n];
        for (int i = from, r = hasOov ? 0 : 1; i < at; i++, r++) {
          rows[f][r] = id(held.get(i)._1());
          counts[f][r] = held.get(i)._2();
          own[f][r] = true;
        }
      }
      CtrModel model = spec.model(rows, counts);
      List<ShardRow> out = new ArrayList<>(held.size());
      for (int f = 0; f < fields; f++) {
        for (int r = 0; r < rows[f].length; r++) {
          if (own[f][r]) {
            out.add(new ShardRow(key(f, rows[f][r]), counts[f][r], RowRecords.read(model, f, r)));
          }
        }
      }
      return List.of(RowBlock.of(out)).iterator(); // in key order: fields ascending, each field's ids ascending
    }
  }

  /**
   * Which data partition needs which row in round {@code round}: (key, partition) for every row the round's slice
   * of a partition's block touches ({@link TrainStage#roundRange}). The same for every epoch: computed once per
   * slice of a run.
   */
  static JavaPairRDD<Long, Integer> needs(JavaRDD<ExampleBlock> blocks, ShardPartitioner partitioner, int round,
      int slices) {
    return blocks.mapPartitionsWithIndex((p, it) -> {
      List<Tuple2<Long, Integer>> out = new ArrayList<>();
      it.forEachRemaining(block -> {
        int[] range = TrainStage.roundRange(block.size(), round, slices);
        int[][] rows = block.touchedRows(range[0], range[1]);
        for (int f = 0; f < rows.length; f++) {
          for (int id : rows[f]) {
            out.add(new Tuple2<>(key(f, id), p));
          }
        }
      });
      return out.iterator();
    }, true).mapToPair(t -> t).partitionBy(partitioner);
  }

  /**
   * The rows each data partition needs, delivered to it: partition p of the result holds the rows of
   * {@code needs} for p, in no set order (a task sorts them by key). Each shard finds the rows asked of it in its
   * block, so a pull costs the rows it moves, not the shard's size.
   */
  static JavaPairRDD<Integer, ShardRow> pull(JavaRDD<RowBlock> rows, JavaPairRDD<Long, Integer> needs,
      int dataPartitions) {
    return rows.zipPartitions(needs, (blocks, asked) -> {
      FaultPoint.failFirstAttempt(FaultPoint.PULL_TASK);
      RowBlock block = blocks.next(); // one block per shard
      return new Iterator<Tuple2<Integer, ShardRow>>() { // (data partition, row), one need at a time
        @Override
        public boolean hasNext() {
          return asked.hasNext();
        }

        @Override
        public Tuple2<Integer, ShardRow> next() {
          Tuple2<Long, Integer> need = asked.next();
          int i = block.indexOf(need._1());
          if (i < 0) {
            throw new IllegalStateException("row " + field(need._1()) + "/" + id(need._1())
                + " is asked of a shard that does not hold it");
          }
          return new Tuple2<>(need._2(), block.row(i));
        }
      };
    }).mapToPair(t -> t).partitionBy(new HashPartitioner(dataPartitions));
  }

  /** Each field's table widths in record order ({@code RowRecords.widths}), from a model over the OOV rows alone. */
  static int[][] widths(SliceSpec spec) {
    int fields = spec.fieldNames().size();
    int[][] oovOnly = new int[fields][];
    long[][] zero = new long[fields][];
    for (int f = 0; f < fields; f++) {
      oovOnly[f] = new int[] {FieldVocabulary.OOV};
      zero[f] = new long[1];
    }
    CtrModel model = spec.model(oovOnly, zero);
    int[][] widths = new int[fields][];
    for (int f = 0; f < fields; f++) {
      widths[f] = RowRecords.widths(model, f);
    }
    return widths;
  }

  /**
   * One round's training on pulled rows: partition p trains a model over the rows of its block's slice for the
   * round (filled from the pull) on that slice in today's order ({@link TrainStage#roundOrder}), and returns a copy
   * of every row it changed, and its result: what it trained on and the file of its dense state, which travels
   * through the model exchange as today ({@code dense}: the driver's, loaded before training).
   */
  static JavaRDD<RoundOutput> train(JavaRDD<ExampleBlock> blocks, JavaPairRDD<Integer, ShardRow> pulled,
      SliceSpec spec, ModelExchange.Published dense, int round, int slices, long seed) {
    return blocks.zipPartitions(pulled.values(), new SliceTrainer(spec, dense, round, slices, seed));
  }

  /** A partition's block and pulled rows -> the copies of the rows its training changed. */
  static final class SliceTrainer
      implements org.apache.spark.api.java.function.FlatMapFunction2<Iterator<ExampleBlock>, Iterator<ShardRow>,
          RoundOutput> {
    private final SliceSpec spec;
    private final ModelExchange.Published dense;
    private final int round;
    private final int slices;
    private final long seed;

    SliceTrainer(SliceSpec spec, ModelExchange.Published dense, int round, int slices, long seed) {
      this.spec = spec;
      this.dense = dense;
      this.round = round;
      this.slices = slices;
      this.seed = seed;
    }

    @Override
    public Iterator<RoundOutput> call(Iterator<ExampleBlock> blocks, Iterator<ShardRow> rowsIn) throws IOException {
      ExampleBlock block = blocks.next(); // the encoder makes one block per partition
      int[] range = TrainStage.roundRange(block.size(), round, slices);
      int[][] rows = block.touchedRows(range[0], range[1]);
      CtrModel model = filled(spec, rows, rowsIn);
      dense.loadDenseInto(model);
      model.clearTouched();
      model.enterRound(round);
      int partition = org.apache.spark.TaskContext.getPartitionId();
      ExampleBlock local = block.selected(TrainStage.roundOrder(block.size(), partition, round, slices, seed))
          .withRowsOf(rows);
      int[] order = new int[local.size()];
      Arrays.setAll(order, i -> i);
      org.amtl.core.train.LocalTrainer.Result trained;
      try {
        trained = new org.amtl.core.train.LocalTrainer(model,
            model.config().getInt(org.amtl.core.config.Keys.BATCH_SIZE)).train(local, order, null);
      } catch (org.amtl.core.train.LocalTrainer.Diverged d) { // a retry would diverge the same way: tell the driver
        String where = ModelState.firstNonFinite(model);
        return List.of(RoundOutput.of(RoundResult.diverged(partition, d.what()
            + (where == null ? " (every parameter still finite)" : ", first non-finite value " + where)))).iterator();
      }
      String file = dense.exchange().writeDense(ModelState.denseOf(model), round, partition,
          org.apache.spark.TaskContext.get().taskAttemptId());
      FaultPoint.failFirstAttempt(FaultPoint.TRAIN_TASK);
      List<RoundOutput> out = new ArrayList<>();
      out.add(RoundOutput.of(new RoundResult(partition, trained.examples(), trained.steps(),
          trained.examples() == 0 ? 0 : trained.meanLoss() * trained.examples(), file, "")));
      for (int f = 0; f < rows.length; f++) {
        for (int r = 0; r < rows[f].length; r++) {
          int mask = RowRecords.touchedMask(model, f, r);
          if (mask != 0) {
            out.add(RoundOutput.of(new RowCopy(key(f, rows[f][r]), partition, mask, RowRecords.read(model, f, r))));
          }
        }
      }
      return out.iterator();
    }
  }

  /**
   * The rows after a round: each shard combines the copies of each of its rows in partition order
   * ({@code RowRecords.mean}, the arithmetic of today's averaging) into a copy of its block; rows no partition
   * changed stay as they were.
   */
  static JavaRDD<RowBlock> combine(JavaRDD<RowBlock> rows, JavaRDD<RowCopy> copies, ShardPartitioner partitioner,
      int[][] widths) {
    JavaPairRDD<Long, RowCopy> keyed = copies.mapToPair(c -> new Tuple2<>(c.key(), c)).partitionBy(partitioner);
    return rows.zipPartitions(keyed, (blocks, in) -> {
      FaultPoint.failFirstAttempt(FaultPoint.COMBINE_TASK);
      RowBlock block = blocks.next(); // one block per shard
      List<RowCopy> changed = new ArrayList<>();
      in.forEachRemaining(t -> changed.add(t._2()));
      changed.sort((a, b) -> a.key() != b.key() ? Long.compare(a.key(), b.key())
          : Integer.compare(a.partition(), b.partition()));
      RowBlock.Changes next = block.changes();
      for (int from = 0, to; from < changed.size(); from = to) {
        long key = changed.get(from).key();
        to = from + 1;
        while (to < changed.size() && changed.get(to).key() == key) {
          to++;
        }
        int i = block.indexOf(key);
        if (i < 0) {
          throw new IllegalStateException("row " + field(key) + "/" + id(key) + " came back to a shard that does "
              + "not hold it");
        }
        List<RowCopy> copiesOfRow = changed.subList(from, to);
        next.set(i, RowRecords.mean(next.record(i), copiesOfRow.stream().map(RowCopy::record).toList(),
            copiesOfRow.stream().mapToInt(RowCopy::mask).toArray(), widths[field(key)]));
      }
      return List.of(next.done()).iterator();
    });
  }

  /** What a round through the shards gives the driver: each partition's result, in partition order, and the rows. */
  record Round(List<RoundResult> results, JavaRDD<RowBlock> rows) {}

  /**
   * One round through the shards: pull, train each partition's slice, combine the changed rows per shard. The
   * rows after the round are cached and computed before the round's outputs are dropped; the caller drops
   * {@code rows} once it holds the new ones.
   */
  static Round round(JavaRDD<ExampleBlock> blocks, JavaRDD<RowBlock> rows, JavaPairRDD<Long, Integer> needs,
      SliceSpec spec, int[][] widths, ModelExchange.Published dense, int round, int slices, long seed) {
    JavaRDD<RoundOutput> out = train(blocks, pull(rows, needs, blocks.getNumPartitions()), spec, dense, round,
        slices, seed).persist(StorageLevel.MEMORY_AND_DISK());
    List<RoundResult> results = new ArrayList<>(out.filter(o -> o.result() != null).map(RoundOutput::result)
        .collect());
    results.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
    ShardPartitioner partitioner = (ShardPartitioner) needs.partitioner().get();
    JavaRDD<RowBlock> next = combine(rows, out.filter(o -> o.copy() != null).map(RoundOutput::copy), partitioner,
        widths).persist(StorageLevel.MEMORY_AND_DISK());
    next.count();
    out.unpersist();
    return new Round(List.copyOf(results), next);
  }

  /**
   * Scores the test split through the shards: each test partition pulls the rows its block touches
   * ({@code testNeeds}: {@link #needs} of the test blocks with one slice), scores its block with a model over them and
   * the driver's dense state, and writes its summaries to the exchange; the driver merges them in partition order,
   * as {@link EvalStage#evaluate} does, so the figures are the same.
   */
  static EvalStage.Result evaluate(JavaRDD<ExampleBlock> test, JavaRDD<RowBlock> rows,
      JavaPairRDD<Long, Integer> testNeeds, SliceSpec spec, ModelExchange.Published dense, int buckets)
      throws IOException {
    String folder = "eval-" + dense.roundsDone();
    List<String> files = test.zipPartitions(pull(rows, testNeeds, test.getNumPartitions()).values(),
        (org.apache.spark.api.java.function.FlatMapFunction2<Iterator<ExampleBlock>, Iterator<ShardRow>, String>)
            (blocks, pulled) -> {
              ExampleBlock block = blocks.next(); // one block per partition
              CtrModel model = filled(spec, block.touchedRows(), pulled);
              dense.loadDenseInto(model);
              org.amtl.core.train.LocalTrainer.Evaluation e = new org.amtl.core.train.LocalTrainer(model,
                  model.config().getInt(org.amtl.core.config.Keys.BATCH_SIZE))
                  .evaluate(block.withRowsOf(block.touchedRows()), buckets);
              int partition = org.apache.spark.TaskContext.getPartitionId();
              String file = dense.exchange().writePart(folder, partition,
                  org.apache.spark.TaskContext.get().taskAttemptId(), EvalPart::write,
                  new EvalPart(partition, e.summary(), e.perBucket()));
              FaultPoint.failFirstAttempt(FaultPoint.EVALUATE_TASK);
              return List.of(file).iterator();
            }).collect();
    return EvalStage.merge(JavaSparkContext.fromSparkContext(test.context()), dense.exchange(), folder, files,
        spec.fieldNames().size(), buckets);
  }

  /**
   * A model over {@code rows} (each field's, ascending, OOV first) holding the pulled rows' counts and records; a row
   * pulled without a record keeps its initial values.
   */
  static CtrModel filled(SliceSpec spec, int[][] rows, Iterator<ShardRow> rowsIn) {
    List<ShardRow> pulled = new ArrayList<>();
    rowsIn.forEachRemaining(pulled::add);
    pulled.sort((a, b) -> Long.compare(a.key(), b.key()));
    long[][] counts = new long[rows.length][];
    int at = 0;
    for (int f = 0; f < rows.length; f++) {
      counts[f] = new long[rows[f].length];
      for (int r = 0; r < rows[f].length; r++, at++) {
        if (at >= pulled.size() || pulled.get(at).key() != key(f, rows[f][r])) {
          throw new IllegalStateException("field '" + spec.fieldNames().get(f) + "': row " + rows[f][r]
              + " was not pulled");
        }
        counts[f][r] = pulled.get(at).count();
      }
    }
    CtrModel model = spec.model(rows, counts);
    at = 0;
    for (int f = 0; f < rows.length; f++) {
      for (int r = 0; r < rows[f].length; r++, at++) {
        if (pulled.get(at).record() != null) {
          RowRecords.write(model, f, r, pulled.get(at).record());
        }
      }
    }
    return model;
  }
}

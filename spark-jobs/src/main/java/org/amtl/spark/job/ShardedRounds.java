package org.amtl.spark.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.ModelState;
import org.amtl.core.train.RoundStats;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Training rounds with the rows in shards ({@link RowShards}), as {@link TrainStage}'s rounds with the rows in every
 * task: the same slices in the same order, averaged with the same arithmetic ({@link RoundResults}), so the same
 * bits. The driver holds the dense part alone, in a model over each field's OOV row; which rows each round's slices
 * need is computed once. A checkpoint saves the dense state and each shard's rows ({@link ShardFiles}); the rows
 * then continue from the saved files, so what a lost shard must recompute reaches back to the last checkpoint only.
 */
final class ShardedRounds {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShardedRounds.class);

  /** Called after each round with the dense state and the rows; returns the evaluation, or null for none. */
  interface AfterRound {
    EvalStage.Result evaluate(ModelExchange.Published dense, JavaRDD<RowBlock> rows, int round,
        boolean last) throws IOException;
  }

  /**
   * The rounds' figures, the evaluation after the last one, the rows after the last round (cached), and the
   * driver's model holding the dense part.
   */
  record Trained(List<RoundStats> rounds, EvalStage.Result lastEvaluation, JavaRDD<RowBlock> rows,
      CtrModel dense) {}

  private ShardedRounds() {}

  /** A model over each field's OOV row alone: the driver's dense part, which starts as the whole model's does. */
  static CtrModel denseModel(RowShards.SliceSpec spec) {
    int fields = spec.fieldNames().size();
    int[][] rows = new int[fields][];
    long[][] counts = new long[fields][];
    for (int f = 0; f < fields; f++) {
      rows[f] = new int[] {FieldVocabulary.OOV};
      counts[f] = new long[1];
    }
    return spec.model(rows, counts);
  }

  /**
   * Trains every round on {@code train} ({@code trainRows} examples) starting from {@code rows} and the dense part
   * of {@code dense} ({@link #denseModel}, which it trains) (which it drops once the first round's rows are
   * computed), moving dense states through {@code exchange}; adds each round's time to {@code timer}.
   */
  static Trained train(JavaRDD<ExampleBlock> train, long trainRows, JavaRDD<RowBlock> rows, CtrModel dense,
      RowShards.SliceSpec spec,
      RowShards.ShardPartitioner partitioner, AmtlConfig config, ModelExchange exchange, Checkpoints checkpoints,
      AfterRound afterRound, StageTimer timer) throws IOException {
    org.apache.spark.api.java.JavaSparkContext sc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(
        train.context());
    int roundsPerEpoch = config.getInt(Keys.ROUNDS_PER_EPOCH);
    int total = config.getInt(Keys.EPOCHS) * roundsPerEpoch;
    long seed = config.get(Keys.SEED);
    int[][] widths = RowShards.widths(spec);
    sc.setJobDescription("AMTL sharded tables: which rows each slice needs");
    List<JavaPairRDD<Long, Integer>> needs = new ArrayList<>();
    int recordBytes = 0; // the widest field's row as it travels: key, count and its record's floats
    for (int[] w : widths) {
      recordBytes = Math.max(recordBytes, 2 * Long.BYTES + Float.BYTES * org.amtl.core.model.RowRecords.length(w));
    }
    for (int s = 0; s < roundsPerEpoch; s++) {
      JavaPairRDD<Long, Integer> slice = RowShards.needs(train, partitioner, s, roundsPerEpoch)
          .persist(StorageLevel.MEMORY_AND_DISK());
      // computed here, in a job of its own, so that what a round moves is known (and logged) before it runs
      long pulls = slice.count();
      LOG.info(String.format(Locale.ROOT, "round %d of each epoch moves %,d rows each way (a row to each data "
          + "partition that touches it): at most %,.1f MB pulled and as much pushed", s + 1, pulls,
          pulls * (double) recordBytes / 1e6));
      needs.add(slice);
    }
    long rowsPerRound = trainRows / roundsPerEpoch;
    List<RoundStats> stats = new ArrayList<>();
    int first = 0;
    if (checkpoints != null) {
      java.util.Optional<Checkpoints.Resume> resume = checkpoints.load();
      if (resume.isPresent()) {
        resume.get().state().applyDenseTo(dense);
        rows.unpersist();
        rows = ShardFiles.load(sc, resume.get().rowFiles(), checkpoints.conf())
            .persist(StorageLevel.MEMORY_AND_DISK());
        first = resume.get().roundsDone();
        stats.addAll(resume.get().stats());
      }
    }
    int interval = config.getInt(Keys.CHECKPOINT_INTERVAL);
    long start = System.nanoTime();
    if (first == 0) {
      TrainStage.steerStorage(dense, config, 0);
    }
    ModelExchange.Published published = exchange.publishDense(ModelState.denseOf(dense), first);
    timer.done("train: set up (shards, needs, resume, first state written)");
    EvalStage.Result lastEvaluation = null;
    if (first == total) { // every round was done before the restart: only the final evaluation is needed
      lastEvaluation = afterRound.evaluate(published, rows, total - 1, true);
    }
    for (int r = first; r < total; r++) {
      long roundStart = System.nanoTime();
      sc.setJobDescription(String.format(Locale.ROOT, "AMTL train round %d/%d (epoch %d, sharded tables)", r + 1,
          total, r / roundsPerEpoch + 1));
      RowShards.Round round = RowShards.round(train, rows, needs.get(r % roundsPerEpoch), spec, widths, published, r,
          roundsPerEpoch, seed);
      rows.unpersist();
      rows = round.rows();
      long tasksDone = System.nanoTime();
      timer.add("train: pull, train, combine rows", (tasksDone - roundStart) / 1e9);
      RoundResults averaged = RoundResults.read(round.results(), exchange, r, dense.params().tensors());
      if (averaged.average() != null) {
        averaged.average().applyDenseTo(dense);
      }
      TrainStage.steerStorage(dense, config, r + 1);
      exchange.endRound(r);
      published = exchange.publishDense(ModelState.denseOf(dense), r + 1);
      long written = System.nanoTime();
      timer.add("train: average", (written - tasksDone) / 1e9);
      boolean last = r == total - 1;
      sc.setJobDescription(String.format(Locale.ROOT, "AMTL evaluate after round %d/%d", r + 1, total));
      EvalStage.Result eval = afterRound.evaluate(published, rows, r, last);
      if (last) {
        lastEvaluation = eval;
      }
      long evaluated = System.nanoTime();
      timer.add("evaluate", (evaluated - written) / 1e9);
      RoundStats s = TrainStage.roundStats(r, roundStart, averaged, eval);
      stats.add(s);
      if (checkpoints != null && interval > 0 && ((r + 1) % interval == 0 || last)) {
        sc.setJobDescription(String.format(Locale.ROOT, "AMTL checkpoint after round %d/%d", r + 1, total));
        List<String> files = checkpoints.saveSharded(r + 1, ModelState.denseOf(dense), rows, stats);
        // the rows read back from the checkpoint: a lost shard is read again, not trained again from round 1
        JavaRDD<RowBlock> saved = ShardFiles.load(sc, files, checkpoints.conf())
            .persist(StorageLevel.MEMORY_AND_DISK());
        saved.count();
        rows.unpersist();
        rows = saved;
        exchange.dropDenseBefore(r + 1);
        timer.add("train: checkpoint", (System.nanoTime() - evaluated) / 1e9);
      }
      TrainStage.logRound(s, first, total, start, rowsPerRound);
    }
    needs.forEach(JavaPairRDD::unpersist);
    sc.setJobDescription(null);
    return new Trained(List.copyOf(stats), lastEvaluation, rows, dense);
  }
}

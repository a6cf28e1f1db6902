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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training rounds with the rows in shards ({@link RowShards}), as {@link TrainStage}'s rounds with the rows in every
 * task (in progress: the job does not use it yet; no checkpoints, no evaluation between rounds). The driver holds
 * the dense part alone, in a model over each field's OOV row; which rows each round's slices need is computed once.
 */
final class ShardedRounds {
  private static final Logger LOG = LoggerFactory.getLogger(ShardedRounds.class);

  /** The rounds' figures, the rows after the last round, and the driver's model holding the dense part. */
  record Trained(List<RoundStats> rounds, JavaPairRDD<Long, ShardRow> rows, CtrModel dense) {}

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

  static Trained train(JavaRDD<ExampleBlock> train, JavaPairRDD<Long, ShardRow> rows, RowShards.SliceSpec spec,
      RowShards.ShardPartitioner partitioner, AmtlConfig config, ModelExchange exchange) throws IOException {
    int roundsPerEpoch = config.getInt(Keys.ROUNDS_PER_EPOCH);
    int total = config.getInt(Keys.EPOCHS) * roundsPerEpoch;
    long seed = config.get(Keys.SEED);
    int[][] widths = RowShards.widths(spec);
    CtrModel dense = denseModel(spec);
    List<JavaPairRDD<Long, Integer>> needs = new ArrayList<>();
    for (int s = 0; s < roundsPerEpoch; s++) {
      needs.add(RowShards.needs(train, partitioner, s, roundsPerEpoch).persist(StorageLevel.MEMORY_AND_DISK()));
    }
    List<RoundStats> stats = new ArrayList<>();
    for (int r = 0; r < total; r++) {
      long roundStart = System.nanoTime();
      ModelExchange.Published published = exchange.publishDense(ModelState.denseOf(dense), r);
      RowShards.Round round = RowShards.round(train, rows, needs.get(r % roundsPerEpoch), spec, widths, published, r,
          roundsPerEpoch, seed);
      rows.unpersist();
      rows = round.rows();
      List<ModelState> states = new ArrayList<>();
      List<Long> weights = new ArrayList<>();
      long examples = 0;
      double lossSum = 0;
      for (RoundResult res : round.results()) { // partition order
        if (res.examples() > 0) {
          states.add(exchange.readResult(res.stateFile()));
          weights.add(res.examples());
          examples += res.examples();
          lossSum += res.lossSum();
        }
      }
      if (!states.isEmpty()) {
        ModelState.average(states, weights.stream().mapToLong(Long::longValue).toArray()).applyDenseTo(dense);
      }
      exchange.endRound(r);
      double seconds = (System.nanoTime() - roundStart) / 1e9;
      stats.add(new RoundStats(r + 1, examples == 0 ? Double.NaN : lossSum / examples, examples, seconds,
          Double.NaN, Double.NaN));
      LOG.info(String.format(Locale.ROOT, "sharded round %d/%d  train loss %.5f  %d examples", r + 1, total,
          stats.get(r).trainLoss(), examples));
    }
    needs.forEach(JavaPairRDD::unpersist);
    return new Trained(List.copyOf(stats), rows, dense);
  }
}

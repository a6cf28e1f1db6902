package org.amtl.spark.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.amtl.core.layers.DenseParams;
import org.amtl.core.model.ModelState;

/**
 * A round's partition results read back and averaged in partition order (dense: weighted by examples; rows: mean
 * over the partitions that changed them), whichever order the tasks finished in; what both the broadcast and the
 * sharded rounds do with their results. A partition whose training diverged, or whose state holds a non-finite
 * value, stops the run naming the round and the partition.
 */
record RoundResults(ModelState average, long examples, double lossSum) {
  /** The mean training loss of the round, NaN when no partition trained. */
  double meanLoss() {
    return examples == 0 ? Double.NaN : lossSum / examples;
  }

  /**
   * Reads {@code results} (in partition order) of round {@code round} (0-based) from the exchange; {@code average}
   * is null when no partition trained.
   */
  static RoundResults read(List<RoundResult> results, ModelExchange exchange, int round,
      List<DenseParams.Tensor> tensors) throws IOException {
    List<ModelState> states = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    long examples = 0;
    double lossSum = 0;
    for (RoundResult res : results) { // partition order
      if (!res.diverged().isEmpty()) {
        throw new TrainingDiverged(round + 1, res.partition(), res.diverged());
      }
      if (res.examples() > 0) {
        ModelState partitionState = exchange.readResult(res.stateFile());
        String nonFinite = partitionState.firstNonFinite(tensors);
        if (nonFinite != null) {
          throw new TrainingDiverged(round + 1, res.partition(), "its state holds " + nonFinite);
        }
        states.add(partitionState);
        weights.add(res.examples());
        examples += res.examples();
        lossSum += res.lossSum();
      }
    }
    ModelState average = states.isEmpty() ? null
        : ModelState.average(states, weights.stream().mapToLong(Long::longValue).toArray());
    return new RoundResults(average, examples, lossSum);
  }
}

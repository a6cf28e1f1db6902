package org.amtl.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.ModelState;
import org.amtl.core.train.LocalTrainer;
import org.amtl.core.util.Seeds;
import org.amtl.core.util.Shuffles;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel training with parameter averaging. Each round broadcasts the model; every partition trains its
 * slice of the round (a 1/roundsPerEpoch share of its rows, shuffled per epoch from the seed) on a copy; the
 * driver collects the results, which Spark returns in partition order whatever order the tasks finished in, and
 * averages them in that order (dense: weighted by examples; rows: mean over the partitions that changed them).
 * Broadcasts are destroyed when their round ends.
 */
final class TrainStage {
  private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);

  /** Per-round figures, for the log, the report and the manifest. */
  record RoundStats(int round, double trainLoss, long examples, double seconds, double testAuc, double testLogloss) {}

  /** Called after each round with the averaged model's state broadcast, to evaluate it. */
  interface AfterRound {
    double[] evaluate(Broadcast<ModelState> state, int round, boolean last);
  }

  private TrainStage() {}

  /**
   * Runs every round not yet done, resuming from the last checkpoint when there is one (checkpoints may be null:
   * none are read or written). Adds each round's time to {@code timer} (tasks, averaging, broadcast, evaluation,
   * checkpoints). Returns the figures of all rounds.
   */
  static List<RoundStats> train(JavaSparkContext sc, CtrModel model, JavaRDD<ExampleBlock> train, long[] perPartition,
      Broadcast<Vocabulary> vocab, AmtlConfig config, Checkpoints checkpoints, AfterRound afterRound,
      StageTimer timer) throws java.io.IOException {
    int epochs = config.getInt(Keys.EPOCHS);
    int roundsPerEpoch = config.getInt(Keys.ROUNDS_PER_EPOCH);
    int total = epochs * roundsPerEpoch;
    Map<String, String> shipped = ExecutorModels.ship(config);
    long seed = config.get(Keys.SEED);
    long rowsPerRound = java.util.Arrays.stream(perPartition).sum() / roundsPerEpoch;
    List<RoundStats> stats = new ArrayList<>();
    int first = 0;
    if (checkpoints != null) {
      java.util.Optional<Checkpoints.Resume> resume = checkpoints.load();
      if (resume.isPresent()) {
        model.load(resume.get().state());
        first = resume.get().roundsDone();
        stats.addAll(resume.get().stats());
      }
    }
    int interval = config.getInt(Keys.CHECKPOINT_INTERVAL);
    long start = System.nanoTime();
    Broadcast<ModelState> state = sc.broadcast(model.snapshot());
    timer.done("train: set up (model, resume, first broadcast)");
    if (first == total) { // every round was done before the restart: only the final evaluation is needed
      afterRound.evaluate(state, total - 1, true);
    }
    for (int r = first; r < total; r++) {
      long roundStart = System.nanoTime();
      sc.setJobDescription(String.format(Locale.ROOT, "AMTL train round %d/%d (epoch %d)", r + 1, total,
          r / roundsPerEpoch + 1));
      RoundTask task = new RoundTask(vocab, state, shipped, r / roundsPerEpoch, r % roundsPerEpoch, roundsPerEpoch,
          seed);
      List<RoundResult> results = train.mapPartitionsWithIndex(task, true).collect();
      long tasksDone = System.nanoTime();
      timer.add("train: partition tasks", (tasksDone - roundStart) / 1e9);
      state.destroy();
      List<ModelState> states = new ArrayList<>();
      List<Long> weights = new ArrayList<>();
      long examples = 0;
      double lossSum = 0;
      for (RoundResult res : results) { // partition order
        if (res.examples() > 0) {
          states.add(res.state());
          weights.add(res.examples());
          examples += res.examples();
          lossSum += res.lossSum();
        }
      }
      if (!states.isEmpty()) {
        model.load(ModelState.average(states, weights.stream().mapToLong(Long::longValue).toArray()));
      }
      long averaged = System.nanoTime();
      timer.add("train: average", (averaged - tasksDone) / 1e9);
      state = sc.broadcast(model.snapshot());
      long broadcast = System.nanoTime();
      timer.add("train: broadcast", (broadcast - averaged) / 1e9);
      boolean last = r == total - 1;
      sc.setJobDescription(String.format(Locale.ROOT, "AMTL evaluate after round %d/%d", r + 1, total));
      double[] eval = afterRound.evaluate(state, r, last);
      long evaluated = System.nanoTime();
      timer.add("evaluate", (evaluated - broadcast) / 1e9);
      double seconds = (System.nanoTime() - roundStart) / 1e9;
      double elapsed = (System.nanoTime() - start) / 1e9;
      double eta = elapsed / (r + 1 - first) * (total - r - 1);
      RoundStats s = new RoundStats(r + 1, examples == 0 ? Double.NaN : lossSum / examples, examples, seconds,
          eval[0], eval[1]);
      stats.add(s);
      if (checkpoints != null && interval > 0 && ((r + 1) % interval == 0 || last)) {
        checkpoints.save(r + 1, model.snapshot(), stats);
        timer.add("train: checkpoint", (System.nanoTime() - evaluated) / 1e9);
      }
      LOG.info(String.format(Locale.ROOT, "round %d/%d  train loss %.5f  test AUC %s  %d examples  %.0f examples/s"
              + "  ETA %.0f s", r + 1, total, s.trainLoss(), Double.isNaN(s.testAuc()) ? "-"
              : String.format(Locale.ROOT, "%.5f", s.testAuc()), examples, rowsPerRound / Math.max(seconds, 1e-9),
          eta));
    }
    state.destroy();
    sc.setJobDescription(null);
    return stats;
  }

  /** Trains one partition's slice of one round on a copy of the broadcast model. */
  static final class RoundTask implements Function2<Integer, Iterator<ExampleBlock>, Iterator<RoundResult>> {
    private final Broadcast<Vocabulary> vocab;
    private final Broadcast<ModelState> state;
    private final Map<String, String> config;
    private final int epoch;
    private final int slice;
    private final int slices;
    private final long seed;

    RoundTask(Broadcast<Vocabulary> vocab, Broadcast<ModelState> state, Map<String, String> config, int epoch,
        int slice, int slices, long seed) {
      this.vocab = vocab;
      this.state = state;
      this.config = config;
      this.epoch = epoch;
      this.slice = slice;
      this.slices = slices;
      this.seed = seed;
    }

    @Override
    public Iterator<RoundResult> call(Integer partition, Iterator<ExampleBlock> blocks) {
      ExampleBlock block = blocks.next(); // the encoder makes one block per partition
      int from = (int) ((long) slice * block.size() / slices);
      int to = (int) ((long) (slice + 1) * block.size() / slices);
      int[] order = Shuffles.range(from, to, new Random(Seeds.derive(seed, "slice-order-" + partition + "-" + slice,
          epoch)));
      CtrModel model = ExecutorModels.get(vocab.id(), config, vocab.value());
      model.load(state.value());
      model.clearTouched();
      LocalTrainer.Result r = new LocalTrainer(model, model.config().getInt(Keys.BATCH_SIZE))
          .train(block, order, null);
      double lossSum = r.examples() == 0 ? 0 : r.meanLoss() * r.examples();
      return List.of(new RoundResult(partition, r.examples(), r.steps(), lossSum, model.snapshotTouched()))
          .iterator();
    }
  }
}

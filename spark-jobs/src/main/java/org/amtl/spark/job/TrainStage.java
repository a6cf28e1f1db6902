package org.amtl.spark.job;

import java.io.IOException;
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
import org.amtl.core.train.RoundStats;
import org.amtl.core.util.Seeds;
import org.amtl.core.util.Shuffles;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel training with parameter averaging. Each round the driver publishes the model to the exchange
 * folder ({@link ModelExchange}); every partition trains its slice of the round (a 1/roundsPerEpoch share of its
 * rows, shuffled per epoch from the seed) on its thread's copy and writes the rows it changed; the driver reads
 * the results, which Spark returns in partition order whatever order the tasks finished in, and averages them in
 * that order (dense: weighted by examples; rows: mean over the partitions that changed them).
 */
public final class TrainStage {
  private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);

  /** Called after each round with the averaged model's published state; returns its evaluation, or null for none. */
  public interface AfterRound {
    EvalStage.Result evaluate(ModelExchange.Published state, int round, boolean last) throws IOException;
  }

  /** What training returns: the figures of every round, and the evaluation after the last one. */
  public record Trained(List<RoundStats> rounds, EvalStage.Result lastEvaluation) {}

  private TrainStage() {}

  /**
   * Runs every round not yet done, resuming from the last checkpoint when there is one (checkpoints may be null:
   * none are read or written), exchanging the model through the folder {@code exchangeDir}, which is deleted at
   * the end. Adds each round's time to {@code timer} (tasks, averaging, writing the state, evaluation, checkpoints).
   * Returns the figures of all rounds and the last evaluation.
   */
  public static Trained train(JavaSparkContext sc, CtrModel model, JavaRDD<ExampleBlock> train, long[] perPartition,
      Broadcast<Vocabulary> counts, AmtlConfig config, Checkpoints checkpoints, Path exchangeDir,
      AfterRound afterRound, StageTimer timer) throws IOException {
    ModelExchange exchange = new ModelExchange(exchangeDir, sc.hadoopConfiguration());
    Trained trained;
    try {
      trained = train(sc, model, train, perPartition, counts, config, checkpoints, exchange, afterRound, timer);
    } catch (RuntimeException | IOException e) {
      try {
        exchange.clear();
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup); // the training error is the one to report
      }
      throw e;
    }
    exchange.clear();
    return trained;
  }

  /**
   * With amtl.budget.targetRatio set, moves the model (the whole model, or a sharded run's dense part: the price
   * needs the fields' statistics and the AMLs alone) to the storage step closest to the target, and logs it; after
   * {@code roundsDone} rounds (0: before training), and not while warm-up rounds keep every dim.
   */
  static void steerStorage(CtrModel model, AmtlConfig config, int roundsDone) {
    double target = config.getDouble(Keys.BUDGET_TARGET_RATIO);
    if (target > 0 && org.amtl.core.model.MaskSchedule.of(config).steers(roundsDone)) { // not in a warm-up
      String when = roundsDone == 0 ? "before training" : "after round " + roundsDone;
      org.amtl.core.model.StorageTarget.Steer steer = org.amtl.core.model.StorageTarget.steer(model, target);
      LOG.info(String.format(Locale.ROOT, "storage target %.1f%% %s: %.2f%% -> %.2f%% (price %+.5f per kept dim)",
          100 * target, when, 100 * steer.before(), 100 * steer.after(), steer.price()));
    }
  }

  private static Trained train(JavaSparkContext sc, CtrModel model, JavaRDD<ExampleBlock> train,
      long[] perPartition, Broadcast<Vocabulary> counts, AmtlConfig config, Checkpoints checkpoints,
      ModelExchange exchange, AfterRound afterRound, StageTimer timer) throws IOException {
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
    if (first == 0) {
      steerStorage(model, config, 0);
    }
    ModelExchange.Published state = exchange.publish(model, first);
    timer.done("train: set up (model, resume, first state written)");
    EvalStage.Result lastEvaluation = null;
    if (first == total) { // every round was done before the restart: only the final evaluation is needed
      lastEvaluation = afterRound.evaluate(state, total - 1, true);
    }
    for (int r = first; r < total; r++) {
      long roundStart = System.nanoTime();
      sc.setJobDescription(String.format(Locale.ROOT, "AMTL train round %d/%d (epoch %d)", r + 1, total,
          r / roundsPerEpoch + 1));
      RoundTask task = new RoundTask(counts, state, shipped, r, roundsPerEpoch, seed);
      List<RoundResult> results = train.mapPartitionsWithIndex(task, true).collect();
      long tasksDone = System.nanoTime();
      timer.add("train: partition tasks", (tasksDone - roundStart) / 1e9);
      RoundResults averaged = RoundResults.read(results, exchange, r, model.params().tensors());
      if (averaged.average() != null) {
        model.load(averaged.average());
      }
      steerStorage(model, config, r + 1);
      exchange.endRound(r);
      long averagedAt = System.nanoTime();
      timer.add("train: average", (averagedAt - tasksDone) / 1e9);
      state = exchange.publish(model, r + 1);
      long written = System.nanoTime();
      timer.add("train: write state", (written - averagedAt) / 1e9);
      boolean last = r == total - 1;
      sc.setJobDescription(String.format(Locale.ROOT, "AMTL evaluate after round %d/%d", r + 1, total));
      EvalStage.Result eval = afterRound.evaluate(state, r, last);
      if (last) {
        lastEvaluation = eval;
      }
      long evaluated = System.nanoTime();
      timer.add("evaluate", (evaluated - written) / 1e9);
      RoundStats s = roundStats(r, roundStart, averaged, eval);
      stats.add(s);
      if (checkpoints != null && interval > 0 && ((r + 1) % interval == 0 || last)) {
        checkpoints.save(r + 1, model, stats);
        timer.add("train: checkpoint", (System.nanoTime() - evaluated) / 1e9);
      }
      logRound(s, first, total, start, rowsPerRound);
    }
    sc.setJobDescription(null);
    return new Trained(stats, lastEvaluation);
  }

  /** The figures of round {@code r} (0-based), which started at {@code roundStart} (nanoseconds). */
  static RoundStats roundStats(int r, long roundStart, RoundResults averaged, EvalStage.Result eval) {
    return new RoundStats(r + 1, averaged.meanLoss(), averaged.examples(), (System.nanoTime() - roundStart) / 1e9,
        eval == null ? Double.NaN : eval.summary().auc(), eval == null ? Double.NaN : eval.summary().logloss());
  }

  /**
   * Logs a finished round of {@code total} with its speed and the time left, from the rounds this run trained so
   * far (the first being {@code first}, 0-based, started at {@code runStart}); once its checkpoint is written.
   */
  static void logRound(RoundStats s, int first, int total, long runStart, long rowsPerRound) {
    double elapsed = (System.nanoTime() - runStart) / 1e9;
    double eta = elapsed / (s.round() - first) * (total - s.round());
    LOG.info(String.format(Locale.ROOT, "round %d/%d  train loss %.5f  test AUC %s  %d examples  %.0f examples/s"
            + "  ETA %.0f s", s.round(), total, s.trainLoss(), Double.isNaN(s.testAuc()) ? "-"
            : String.format(Locale.ROOT, "%.5f", s.testAuc()), s.examples(),
        rowsPerRound / Math.max(s.seconds(), 1e-9), eta));
  }

  /**
   * The rows of a partition's block that round {@code round} trains, in training order: slice round % slices of
   * the block (contiguous), shuffled by a seed of the partition, the slice and the epoch.
   */
  static int[] roundOrder(int blockSize, int partition, int round, int slices, long seed) {
    int[] range = roundRange(blockSize, round, slices);
    return Shuffles.range(range[0], range[1], new Random(Seeds.derive(seed,
        "slice-order-" + partition + "-" + (round % slices), round / slices)));
  }

  /** The first and the end row of the block's slice that round {@code round} trains. */
  static int[] roundRange(int blockSize, int round, int slices) {
    int slice = round % slices;
    return new int[] {(int) ((long) slice * blockSize / slices), (int) ((long) (slice + 1) * blockSize / slices)};
  }

  /** Trains one partition's slice of one round on the thread's copy of the published model. */
  static final class RoundTask implements Function2<Integer, Iterator<ExampleBlock>, Iterator<RoundResult>> {
    private final Broadcast<Vocabulary> counts;
    private final ModelExchange.Published state;
    private final Map<String, String> config;
    private final int round;
    private final int slices;
    private final long seed;

    RoundTask(Broadcast<Vocabulary> counts, ModelExchange.Published state, Map<String, String> config, int round,
        int slices, long seed) {
      this.counts = counts;
      this.state = state;
      this.config = config;
      this.round = round;
      this.slices = slices;
      this.seed = seed;
    }

    @Override
    public Iterator<RoundResult> call(Integer partition, Iterator<ExampleBlock> blocks) throws IOException {
      ExampleBlock block = blocks.next(); // the encoder makes one block per partition
      int[] order = roundOrder(block.size(), partition, round, slices, seed);
      try (ExecutorModels.Lease lease = ExecutorModels.holding(counts.id(), config, counts.value(), state)) {
        CtrModel model = lease.model();
        lease.changing();
        model.clearTouched();
        model.enterRound(round);
        LocalTrainer.Result r;
        try {
          r = new LocalTrainer(model, model.config().getInt(Keys.BATCH_SIZE)).train(block, order, null);
        } catch (LocalTrainer.Diverged d) { // a retry would diverge the same way: report it to the driver
          String where = ModelState.firstNonFinite(model);
          return List.of(RoundResult.diverged(partition, d.what()
              + (where == null ? " (every parameter still finite)" : ", first non-finite value " + where))).iterator();
        }
        double lossSum = r.examples() == 0 ? 0 : r.meanLoss() * r.examples();
        String file = state.exchange().writeTouched(model, round, partition, TaskContext.get().taskAttemptId());
        FaultPoint.failFirstAttempt(FaultPoint.TRAIN_TASK);
        return List.of(new RoundResult(partition, r.examples(), r.steps(), lossSum, file, "")).iterator();
      }
    }
  }
}

package org.amtl.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.amtl.core.data.Batch;
import org.amtl.core.data.Example;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.FrequencyFeatures;
import org.amtl.core.metrics.BucketedAuc;
import org.amtl.core.metrics.EvalSummary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.util.Seeds;

/**
 * Trains a {@link CtrModel} on minibatches taken in order from an iterator (the caller decides the order; a
 * Spark partition passes its seeded slice), or on a list shuffled per epoch from the seed.
 */
public final class LocalTrainer {
  /** Called after every step with the running totals. */
  @FunctionalInterface
  public interface Progress {
    void onStep(long steps, long examples, double batchLoss);
  }

  /** What a pass trained on: examples, steps and the mean of the per-batch losses weighted by batch size. */
  public record Result(long examples, long steps, double meanLoss) {}

  /** Training produced a loss that is not a finite number. */
  public static final class Diverged extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final double loss;
    private final long step;

    Diverged(double loss, long step) {
      super("training loss became " + loss + " at step " + step + " (lower the learning rates)");
      this.loss = loss;
      this.step = step;
    }

    /** What went non-finite, without the hint: "training loss became NaN at step 6". */
    public String what() {
      return "training loss became " + loss + " at step " + step;
    }
  }

  /** Per-example scores and metrics of an evaluation pass. */
  public record Evaluation(EvalSummary summary, BucketedAuc perBucket) {}

  private final CtrModel model;
  private final int batchSize;
  private final double steerTarget; // amtl.budget.targetRatio: 0, or steered every steerEvery batches
  private final int steerEvery;
  private final int[] rowsPerField;

  public LocalTrainer(CtrModel model, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size = " + batchSize + " (expected >= 1)");
    }
    this.model = model;
    this.batchSize = batchSize;
    this.steerTarget = model.config().getDouble(org.amtl.core.config.Keys.BUDGET_TARGET_RATIO);
    this.steerEvery = model.config().getInt(org.amtl.core.config.Keys.BUDGET_STEER_EVERY);
    this.rowsPerField = model.rowsPerField();
  }

  /** One pass over {@code examples} in the order given. */
  public Result train(Iterator<Example> examples, Progress progress) {
    List<Example> buffer = new ArrayList<>(batchSize);
    Pass pass = new Pass(progress);
    while (examples.hasNext()) {
      buffer.add(examples.next());
      if (buffer.size() == batchSize || !examples.hasNext()) {
        pass.step(Batch.of(buffer, rowsPerField));
        buffer.clear();
      }
    }
    return pass.result();
  }

  /** One pass over the rows {@code order[0..n)} of {@code block}, in that order. */
  public Result train(ExampleBlock block, int[] order, Progress progress) {
    Pass pass = new Pass(progress);
    for (int from = 0; from < order.length; from += batchSize) {
      pass.step(block.batch(order, from, Math.min(order.length, from + batchSize), rowsPerField));
    }
    return pass.result();
  }

  /** The running totals of one training pass. */
  private final class Pass {
    private final Progress progress;
    private long seen;
    private long steps;
    private double lossSum;

    Pass(Progress progress) {
      this.progress = progress;
    }

    void step(Batch batch) {
      double loss = model.trainStep(batch);
      if (!Double.isFinite(loss)) {
        throw new Diverged(loss, steps + 1);
      }
      seen += batch.size();
      steps++;
      if (steerTarget > 0 && steps % steerEvery == 0 && !masksOpen()) {
        org.amtl.core.model.StorageTarget.steer(model, steerTarget);
      }
      lossSum += loss * batch.size();
      if (progress != null) {
        progress.onStep(steps, seen, loss);
      }
    }

    Result result() {
      return new Result(seen, steps, seen == 0 ? Double.NaN : lossSum / seen);
    }
  }

  /** {@code epochs} passes over {@code data}, each in an order shuffled from (seed, epoch). */
  public Result fit(List<Example> data, int epochs, long seed, Progress progress) {
    long seen = 0;
    long steps = 0;
    double lossSum = 0;
    for (int e = 0; e < epochs; e++) {
      List<Example> order = new ArrayList<>(data);
      Collections.shuffle(order, new Random(Seeds.derive(seed, "epoch-order", e)));
      Result r = train(order.iterator(), progress);
      seen += r.examples();
      steps += r.steps();
      lossSum += r.meanLoss() * r.examples();
    }
    return new Result(seen, steps, seen == 0 ? Double.NaN : lossSum / seen);
  }

  /** Scores {@code examples} in inference mode into mergeable summaries. */
  public Evaluation evaluate(Iterator<Example> examples, int buckets) {
    Scoring scoring = new Scoring(buckets);
    List<Example> buffer = new ArrayList<>(batchSize);
    while (examples.hasNext()) {
      buffer.add(examples.next());
      if (buffer.size() == batchSize || !examples.hasNext()) {
        scoring.add(Batch.of(buffer, rowsPerField));
        buffer.clear();
      }
    }
    return scoring.result();
  }

  /** Scores every row of {@code block}, in order, in inference mode into mergeable summaries. */
  public Evaluation evaluate(ExampleBlock block, int buckets) {
    Scoring scoring = new Scoring(buckets);
    int[] rows = new int[block.size()];
    Arrays.setAll(rows, i -> i);
    for (int from = 0; from < rows.length; from += batchSize) {
      scoring.add(block.batch(rows, from, Math.min(rows.length, from + batchSize), rowsPerField));
    }
    return scoring.result();
  }

  // a warm-up round keeps every dim: there is no storage to steer
  private boolean masksOpen() {
    for (int f = 0; f < model.numFields(); f++) {
      if (model.embedding(f) instanceof org.amtl.core.layers.AmtlEmbedding amtl && amtl.mask().open()) {
        return true;
      }
    }
    return false;
  }

  /** The summaries of one evaluation pass. */
  private final class Scoring {
    private final FrequencyFeatures[] ff = new FrequencyFeatures[model.numFields()];
    private final EvalSummary summary = new EvalSummary();
    private final BucketedAuc perBucket;

    Scoring(int buckets) {
      for (int f = 0; f < ff.length; f++) { // the model's own when the bucket counts agree (the job's case)
        FrequencyFeatures own = model.frequencyFeatures(f);
        ff[f] = own.buckets() == buckets ? own : FrequencyFeatures.of(model.vocabulary().field(f), buckets);
      }
      perBucket = new BucketedAuc(model.numFields(), buckets);
    }

    void add(Batch batch) {
      float[] p = model.predict(batch);
      summary.add(p, batch.labels(), batch.size());
      perBucket.add(batch, p, ff);
    }

    Evaluation result() {
      return new Evaluation(summary, perBucket);
    }
  }
}

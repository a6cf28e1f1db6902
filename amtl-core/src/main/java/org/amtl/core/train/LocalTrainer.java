package org.amtl.core.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.amtl.core.data.Batch;
import org.amtl.core.data.Example;
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

  /** Per-example scores and metrics of an evaluation pass. */
  public record Evaluation(EvalSummary summary, BucketedAuc perBucket) {}

  private final CtrModel model;
  private final int batchSize;
  private final int[] rowsPerField;

  public LocalTrainer(CtrModel model, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size = " + batchSize + " (expected >= 1)");
    }
    this.model = model;
    this.batchSize = batchSize;
    this.rowsPerField = model.rowsPerField();
  }

  /** One pass over {@code examples} in the order given. */
  public Result train(Iterator<Example> examples, Progress progress) {
    List<Example> buffer = new ArrayList<>(batchSize);
    long seen = 0;
    long steps = 0;
    double lossSum = 0;
    while (examples.hasNext()) {
      buffer.add(examples.next());
      if (buffer.size() == batchSize || !examples.hasNext()) {
        Batch batch = Batch.of(buffer, rowsPerField);
        double loss = model.trainStep(batch);
        if (!Double.isFinite(loss)) {
          throw new IllegalStateException("training loss became " + loss + " at step " + (steps + 1)
              + " (lower the learning rates)");
        }
        seen += batch.size();
        steps++;
        lossSum += loss * batch.size();
        if (progress != null) {
          progress.onStep(steps, seen, loss);
        }
        buffer.clear();
      }
    }
    return new Result(seen, steps, seen == 0 ? Double.NaN : lossSum / seen);
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
    FrequencyFeatures[] ff = new FrequencyFeatures[model.numFields()];
    for (int f = 0; f < ff.length; f++) {
      ff[f] = FrequencyFeatures.of(model.vocabulary().field(f), buckets);
    }
    EvalSummary summary = new EvalSummary();
    BucketedAuc perBucket = new BucketedAuc(model.numFields(), buckets);
    List<Example> buffer = new ArrayList<>(batchSize);
    while (examples.hasNext()) {
      buffer.add(examples.next());
      if (buffer.size() == batchSize || !examples.hasNext()) {
        Batch batch = Batch.of(buffer, rowsPerField);
        float[] p = model.predict(batch);
        summary.add(p, batch.labels(), batch.size());
        perBucket.add(batch, p, ff);
        buffer.clear();
      }
    }
    return new Evaluation(summary, perBucket);
  }
}

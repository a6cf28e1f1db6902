package org.amtl.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.Batch;
import org.amtl.core.data.Example;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.layers.Dense;
import org.amtl.core.layers.Relu;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.train.LocalTrainer;

/**
 * End-to-end training throughput (samples/s) of the reference model: 26 fields x 100,000 Zipf(1.1) values
 * (every value has a row), d = 16, MLP 416-400-400-400-1 with ReLU, logistic loss, batch 512, Adam for dense
 * parameters and sparse Adagrad rows. FBE and AMTL are measured alternately in the same JVM (windows of
 * {@code batches} batches, median over windows), on 1 thread and on 2 (two trainers on two halves of the data, as
 * two Spark partitions would train them between averaging rounds). Prints samples/s and the AMTL / FBE time ratio,
 * taken per window pair (the two ran back to back, so a shared machine's drift mostly cancels) and then the median,
 * and how many of the hidden layers' activations ReLU left at zero after the windows (what the products skip).
 * Usage: {@code TrainingThroughput [windows] [batchesPerWindow]}.
 */
public final class TrainingThroughput {
  static final int FIELDS = 26;
  static final int VALUES = 100_000;
  static final int BATCH = 512;

  private TrainingThroughput() {}

  public static void main(String[] args) throws Exception {
    int windows = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int batches = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int rows = 2 * windows * batches * BATCH;
    SyntheticClickLog log = new SyntheticClickLog(FIELDS, VALUES, 1.1, 16, 3.0, 11);
    Vocabulary vocab = fullVocabulary();
    List<Example> data = SyntheticClickLog.encode(log.generate(rows + 4 * batches * BATCH, 12, "bench"), vocab);
    System.out.printf(Locale.ROOT, "reference model: %d fields x %d values (+OOV), d = 16, MLP 416-400-400-400-1, "
        + "batch %d; %d windows of %d batches%n", FIELDS, VALUES, BATCH, windows, batches);
    for (int threads : new int[] {1, 2}) {
      double[] fbe = new double[windows];
      double[] amtl = new double[windows];
      Trainers fbeTrainers = new Trainers(EmbeddingVariant.FBE, vocab, threads);
      Trainers amtlTrainers = new Trainers(EmbeddingVariant.AMTL, vocab, threads);
      List<Example> warm = data.subList(rows, data.size());
      fbeTrainers.samplesPerSecond(warm, 2 * batches); // JIT warm-up, not counted
      amtlTrainers.samplesPerSecond(warm, 2 * batches);
      for (int w = 0; w < windows; w++) {
        List<Example> slice = data.subList(2 * w * batches * BATCH, (2 * w + 2) * batches * BATCH);
        fbe[w] = fbeTrainers.samplesPerSecond(slice, batches);
        amtl[w] = amtlTrainers.samplesPerSecond(slice, batches);
      }
      fbeTrainers.close();
      amtlTrainers.close();
      Batch probe = Batch.of(data.subList(0, BATCH), fbeTrainers.model().rowsPerField());
      double[] timeRatio = new double[windows]; // each window's pair ran back to back: drift cancels
      for (int w = 0; w < windows; w++) {
        timeRatio[w] = fbe[w] / amtl[w];
      }
      System.out.printf(Locale.ROOT, "threads %d: FBE %.0f samples/s, AMTL %.0f samples/s; AMTL time / FBE time "
          + "%.2f (median of the windows' ratios; windows FBE %s, AMTL %s)%n", threads, median(fbe), median(amtl),
          median(timeRatio), fmt(fbe), fmt(amtl));
      System.out.printf(Locale.ROOT, "ReLU's zeros in the hidden layers after the %d-thread windows (the products "
          + "skip them): FBE %s%%, AMTL %s%%%n", threads,
          fmt(hiddenZeroShares(fbeTrainers.model(), probe)), fmt(hiddenZeroShares(amtlTrainers.model(), probe)));
    }
  }

  /** Per hidden layer, the share of a batch's activations that ReLU sets to zero, in percent. */
  static double[] hiddenZeroShares(CtrModel model, Batch batch) {
    int b = batch.size();
    int row = model.numFields() * model.dim();
    float[] h = new float[b * row];
    for (int f = 0; f < model.numFields(); f++) {
      model.embedding(f).forward(batch.offsets(f), batch.ids(f), b, h, f * model.dim(), row, true);
    }
    List<Dense> layers = model.mlp().layers();
    double[] shares = new double[layers.size() - 1];
    for (int l = 0; l + 1 < layers.size(); l++) {
      h = new Relu().forward(layers.get(l).forward(h, b), b * layers.get(l).out());
      int zeros = 0;
      for (int i = 0; i < b * layers.get(l).out(); i++) {
        zeros += h[i] == 0f ? 1 : 0;
      }
      shares[l] = 100.0 * zeros / (b * layers.get(l).out());
    }
    return shares;
  }

  /** Every value of every field gets a row, with counts falling as Zipf(1.1), as the log draws them. */
  static Vocabulary fullVocabulary() {
    List<FieldVocabulary> fields = new ArrayList<>();
    for (int f = 0; f < FIELDS; f++) {
      Map<String, Long> counts = new HashMap<>();
      for (int r = 1; r <= VALUES; r++) {
        counts.put(SyntheticClickLog.valueOf(f, r), Math.max(1L, Math.round(1e8 * Math.pow(r, -1.1))));
      }
      fields.add(FieldVocabulary.fromCounts("C" + (f + 1), counts, 1));
    }
    return new Vocabulary(fields);
  }

  static AmtlConfig config(EmbeddingVariant variant) {
    return AmtlConfig.defaults().with(Keys.EMBEDDING, variant).with(Keys.DIM, 16)
        .with(Keys.HIDDEN, new int[] {400, 400, 400}).with(Keys.BATCH_SIZE, BATCH).validate();
  }

  /** One model and trainer per thread; each thread trains its own share of a slice. */
  static final class Trainers implements AutoCloseable {
    private final List<LocalTrainer> trainers = new ArrayList<>();
    private final List<CtrModel> models = new ArrayList<>();
    private final ExecutorService pool;

    /** The first thread's model. */
    CtrModel model() {
      return models.get(0);
    }

    Trainers(EmbeddingVariant variant, Vocabulary vocab, int threads) {
      for (int t = 0; t < threads; t++) {
        models.add(new CtrModel(config(variant), vocab));
        trainers.add(new LocalTrainer(models.get(t), BATCH));
      }
      pool = Executors.newFixedThreadPool(threads);
    }

    /** Trains {@code batches} batches per thread from {@code slice}; returns samples/s over all threads. */
    double samplesPerSecond(List<Example> slice, int batches) throws Exception {
      int per = batches * BATCH;
      List<Future<?>> running = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < trainers.size(); t++) {
        LocalTrainer trainer = trainers.get(t);
        List<Example> part = slice.subList(t * per % slice.size(), Math.min(slice.size(), t * per % slice.size()
            + per));
        running.add(pool.submit(() -> trainer.train(part.iterator(), null)));
      }
      long samples = 0;
      for (int t = 0; t < running.size(); t++) {
        running.get(t).get();
        samples += Math.min(per, slice.size() - t * per % slice.size());
      }
      return samples / ((System.nanoTime() - start) / 1e9);
    }

    @Override
    public void close() {
      pool.shutdown();
    }
  }

  /** The median (the mean of the middle two for an even count). */
  public static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static String fmt(double[] v) {
    StringBuilder sb = new StringBuilder();
    for (double x : v) {
      sb.append(sb.length() == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.0f", x));
    }
    return sb.toString();
  }
}

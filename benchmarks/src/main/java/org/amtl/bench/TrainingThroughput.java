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
import org.amtl.core.kernels.ProductRoute;
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
 * With several product routes ({@code train.kernels}: ours, blas, auto) every window trains each route's FBE and
 * AMTL back to back, so the routes are compared under the same drift too.
 * Usage: {@code TrainingThroughput [windows] [batchesPerWindow] [routes, comma-separated; default ours]}.
 */
public final class TrainingThroughput {
  static final int FIELDS = 26;
  static final int VALUES = 100_000;
  static final int BATCH = 512;

  private TrainingThroughput() {}

  public static void main(String[] args) throws Exception {
    int windows = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int batches = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    List<ProductRoute> routes = new ArrayList<>();
    for (String r : (args.length > 2 ? args[2] : "ours").split(",")) {
      routes.add(ProductRoute.valueOf(r.trim().toUpperCase(Locale.ROOT)));
    }
    int rows = 2 * windows * batches * BATCH;
    SyntheticClickLog log = new SyntheticClickLog(FIELDS, VALUES, 1.1, 16, 3.0, 11);
    Vocabulary vocab = fullVocabulary();
    List<Example> data = SyntheticClickLog.encode(log.generate(rows + 4 * batches * BATCH, 12, "bench"), vocab);
    System.out.printf(Locale.ROOT, "reference model: %d fields x %d values (+OOV), d = 16, MLP 416-400-400-400-1, "
        + "batch %d; %d windows of %d batches%n", FIELDS, VALUES, BATCH, windows, batches);
    for (ProductRoute route : routes) {
      System.out.println("route " + route.name().toLowerCase(Locale.ROOT) + ": " + route.describe());
    }
    for (int threads : new int[] {1, 2}) {
      int n = routes.size();
      double[][] fbe = new double[n][windows];
      double[][] amtl = new double[n][windows];
      List<Trainers> fbeTrainers = new ArrayList<>();
      List<Trainers> amtlTrainers = new ArrayList<>();
      List<Example> warm = data.subList(rows, data.size());
      for (ProductRoute route : routes) {
        fbeTrainers.add(new Trainers(EmbeddingVariant.FBE, route, vocab, threads));
        amtlTrainers.add(new Trainers(EmbeddingVariant.AMTL, route, vocab, threads));
        // JIT warm-up, not counted; AMTL first, as an executor training AMTL compiles the kernels on its shapes
        // (a fault that only showed when AMTL was a JVM's first model once cost it 6x: docs/performance.md)
        amtlTrainers.get(amtlTrainers.size() - 1).samplesPerSecond(warm, 2 * batches);
        fbeTrainers.get(fbeTrainers.size() - 1).samplesPerSecond(warm, 2 * batches);
      }
      for (int w = 0; w < windows; w++) {
        List<Example> slice = data.subList(2 * w * batches * BATCH, (2 * w + 2) * batches * BATCH);
        for (int r = 0; r < n; r++) {
          fbe[r][w] = fbeTrainers.get(r).samplesPerSecond(slice, batches);
          amtl[r][w] = amtlTrainers.get(r).samplesPerSecond(slice, batches);
        }
      }
      for (int r = 0; r < n; r++) {
        fbeTrainers.get(r).close();
        amtlTrainers.get(r).close();
        double[] timeRatio = new double[windows]; // each window's pair ran back to back: drift cancels
        for (int w = 0; w < windows; w++) {
          timeRatio[w] = fbe[r][w] / amtl[r][w];
        }
        System.out.printf(Locale.ROOT, "threads %d: %sFBE %.0f samples/s, AMTL %.0f samples/s; AMTL time / FBE "
            + "time %.2f (median of the windows' ratios; windows FBE %s, AMTL %s)%n", threads,
            "route " + routes.get(r).name().toLowerCase(Locale.ROOT) + ": ", median(fbe[r]),
            median(amtl[r]), median(timeRatio), fmt(fbe[r]), fmt(amtl[r]));
      }
      Batch probe = Batch.of(data.subList(0, BATCH), fbeTrainers.get(0).model().rowsPerField());
      System.out.printf(Locale.ROOT, "ReLU's zeros in the hidden layers after the %d-thread windows (the products "
          + "skip them): FBE %s%%, AMTL %s%%%n", threads, fmt(hiddenZeroShares(fbeTrainers.get(0).model(), probe)),
          fmt(hiddenZeroShares(amtlTrainers.get(0).model(), probe)));
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

  static AmtlConfig config(EmbeddingVariant variant, ProductRoute route) {
    return AmtlConfig.defaults().with(Keys.EMBEDDING, variant).with(Keys.KERNELS, route).with(Keys.DIM, 16)
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

    Trainers(EmbeddingVariant variant, ProductRoute route, Vocabulary vocab, int threads) {
      for (int t = 0; t < threads; t++) {
        models.add(new CtrModel(config(variant, route), vocab));
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

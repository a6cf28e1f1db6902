package org.amtl.core.demo;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.Example;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.DimsByFrequency;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.model.Storage;
import org.amtl.core.train.LocalTrainer;

/**
 * Trains embedding variants (FBE and AMTL by default) side by side on a generated click log (frequent values
 * carry signal in more dims than rare ones) and prints test AUC, logloss, storage and the mean learned dim per frequency bucket. Arguments are
 * {@code key=value} config overrides, plus {@code rows=N} and {@code variants=fbe,amtl,mde,autoemb}.
 */
public final class LocalDemo {
  private LocalDemo() {}

  public static void main(String[] args) {
    AmtlConfig config = AmtlConfig.defaults().with(Keys.DIM, 16);
    int rows = 200_000;
    List<EmbeddingVariant> variants = List.of(EmbeddingVariant.FBE, EmbeddingVariant.AMTL);
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("argument '" + a + "' (expected key=value)");
      }
      if (kv[0].equals("rows")) {
        rows = Integer.parseInt(kv[1]);
      } else if (kv[0].equals("variants")) {
        variants = java.util.Arrays.stream(kv[1].split(","))
            .map(v -> EmbeddingVariant.valueOf(v.trim().toUpperCase(Locale.ROOT))).toList();
      } else {
        config = config.withRaw(kv[0], kv[1]);
      }
    }
    run(config, rows, variants, System.out);
  }

  /** Trains and reports each variant. */
  public static void run(AmtlConfig config, int rows, List<EmbeddingVariant> variants, PrintStream out) {
    long seed = config.get(Keys.SEED);
    SyntheticClickLog log = new SyntheticClickLog(8, 5000, 1.1, config.getInt(Keys.DIM), 3.0, seed);
    List<SyntheticClickLog.Row> train = log.generate(rows, seed, "train");
    List<SyntheticClickLog.Row> test = log.generate(rows / 4, seed, "test");
    Vocabulary vocab = SyntheticClickLog.vocabulary(train, log.fields(), config.get(Keys.MIN_COUNT));
    List<Example> trainEx = SyntheticClickLog.encode(train, vocab);
    List<Example> testEx = SyntheticClickLog.encode(test, vocab);
    out.printf(Locale.ROOT, "generated %d train / %d test rows, %d fields, d = %d%n", train.size(), test.size(),
        log.fields(), config.getInt(Keys.DIM));
    for (EmbeddingVariant v : variants) {
      AmtlConfig c = config.with(Keys.EMBEDDING, v);
      CtrModel model = new CtrModel(c, vocab);
      LocalTrainer trainer = new LocalTrainer(model, c.getInt(Keys.BATCH_SIZE));
      long start = System.nanoTime();
      LocalTrainer.Result r = trainer.fit(trainEx, c.getInt(Keys.EPOCHS), seed, null);
      double secs = (System.nanoTime() - start) / 1e9;
      LocalTrainer.Evaluation e = trainer.evaluate(testEx.iterator(), c.getInt(Keys.FREQUENCY_BUCKETS));
      Storage s = model.storage();
      out.printf(Locale.ROOT, "%-5s train loss %.4f  test AUC %.4f  logloss %.4f  calibration %.3f  "
              + "storage %d / %d floats (%.1f%%)  %.0f examples/s%n", v, r.meanLoss(), e.summary().auc(),
          e.summary().logloss(), e.summary().calibration(), s.totalKept(), s.totalFixed(), 100 * s.ratio(),
          r.examples() / secs);
      if (v != EmbeddingVariant.FBE) {
        printDimsByBucket(model, c.getInt(Keys.FREQUENCY_BUCKETS), out);
      }
    }
  }

  private static void printDimsByBucket(CtrModel model, int buckets, PrintStream out) {
    double[] mean = DimsByFrequency.meanByBucket(model, buckets);
    StringBuilder sb = new StringBuilder(model.config().get(Keys.EMBEDDING)
        + " mean kept dim by count bucket [2^b - 1, 2^(b+1) - 1):");
    for (int b = 0; b < buckets; b++) {
      if (!Double.isNaN(mean[b])) {
        sb.append(String.format(Locale.ROOT, "  b%d:%.1f", b, mean[b]));
      }
    }
    out.println(sb);
  }
}

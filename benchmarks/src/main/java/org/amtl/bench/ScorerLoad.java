package org.amtl.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.metrics.BucketedAuc;
import org.amtl.core.metrics.EvalSummary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.table.HotStartSource;
import org.amtl.core.table.Manifest;
import org.amtl.core.table.ManifestBuilder;
import org.amtl.core.table.TableScorer;
import org.amtl.core.table.TableSummary;
import org.amtl.core.table.TableWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What loading a published table into {@link TableScorer} costs, and how fast it scores: a table of one field of
 * {@code rows} Zipf(1.1)-counted values plus three fields of 1,000 (d = 16, MLP 128-64, untrained: the cost does
 * not depend on the values), published by the same writer as the job, then loaded; printed per variant (FBE and
 * AMTL): the load time, the live heap the loaded scorer holds, the peak heap used while loading (garbage
 * included), and examples per second in batches of 512 and one at a time. Usage: {@code ScorerLoad [rows]}.
 */
public final class ScorerLoad {
  static final int SMALL = 1_000;

  private ScorerLoad() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
    Configuration conf = new Configuration();
    List<EmbeddingVariant> variants = List.of(EmbeddingVariant.FBE, EmbeddingVariant.AMTL);
    List<TableScorer> scorers = new ArrayList<>();
    for (EmbeddingVariant variant : variants) {
      AmtlConfig config = AmtlConfig.defaults().with(Keys.EMBEDDING, variant).with(Keys.DIM, 16)
          .with(Keys.HIDDEN, new int[] {128, 64});
      Path dir = new Path(Files.createTempDirectory("amtl-scorer-load").resolve("run").toUri());
      long written = publish(config, rows, dir, conf);
      System.gc();
      long before = LiveObjects.take().total();
      resetPeaks();
      long start = System.nanoTime();
      TableScorer scorer = TableScorer.load(dir, conf);
      double seconds = (System.nanoTime() - start) / 1e9;
      long peak = peakUsed();
      long live = LiveObjects.take().total() - before;
      scorers.add(scorer);
      System.out.printf(Locale.ROOT, "%s: %,d rows (%,d stored floats): load %.1f s, live heap of the scorer %.0f MB "
          + "(%.0f bytes a row), peak heap used while loading %.0f MB (garbage included)%n", variant.key(),
          rows + 3 * SMALL, written, seconds, live / 1e6, (double) live / rows, peak / 1e6);
      dir.getFileSystem(conf).delete(dir.getParent(), true);
    }
    // scoring rates: the two scorers in alternating windows, the ratio taken per window pair (the machine's load
    // moves both alike within a pair)
    List<Map<String, Object>> examples = examples(rows, 512 * 20);
    int windows = 9;
    double[][] batch = new double[2][windows];
    double[][] single = new double[2][windows];
    for (int w = -1; w < windows; w++) { // window -1 warms both up
      for (int v = 0; v < 2; v++) {
        TableScorer scorer = scorers.get(v);
        long t0 = System.nanoTime();
        for (int b = 0; b < examples.size(); b += 512) {
          scorer.predict(examples.subList(b, b + 512));
        }
        double perSecond = examples.size() / ((System.nanoTime() - t0) / 1e9);
        long t1 = System.nanoTime();
        for (int i = 0; i < 2_000; i++) {
          scorer.predict(examples.get(i));
        }
        double singlePerSecond = 2_000 / ((System.nanoTime() - t1) / 1e9);
        if (w >= 0) {
          batch[v][w] = perSecond;
          single[v][w] = singlePerSecond;
        }
      }
    }
    for (int v = 0; v < 2; v++) {
      System.out.printf(Locale.ROOT, "%s: %,.0f examples/s in batches of 512, %,.0f one at a time (medians of %d "
          + "windows)%n", variants.get(v).key(), median(batch[v]), median(single[v]), windows);
    }
    double[] batchRatio = new double[windows];
    double[] singleRatio = new double[windows];
    for (int w = 0; w < windows; w++) {
      batchRatio[w] = batch[1][w] / batch[0][w];
      singleRatio[w] = single[1][w] / single[0][w];
    }
    System.out.printf(Locale.ROOT, "AMTL / FBE examples/s, median of the window pairs: %.2f in batches of 512, %.2f "
        + "one at a time%n", median(batchRatio), median(singleRatio));
  }

  static double median(double[] x) {
    double[] s = x.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }

  /** Writes an untrained model's table as the job publishes it; returns the stored floats. */
  static long publish(AmtlConfig config, int rows, Path dir, Configuration conf) throws Exception {
    List<FieldVocabulary> fields = new ArrayList<>();
    fields.add(zipfField("big", rows));
    for (int f = 1; f <= 3; f++) {
      fields.add(zipfField("small" + f, SMALL));
    }
    CtrModel model = new CtrModel(config, new Vocabulary(fields));
    List<String> files = TableWriter.write(model, dir, conf, 1_000_000);
    TableSummary summary = TableSummary.of(model, config.getInt(Keys.FREQUENCY_BUCKETS), 1_000_000);
    ObjectNode manifest = ManifestBuilder.build(summary, config, List.of(), new EvalSummary(),
        new BucketedAuc(fields.size(), config.getInt(Keys.FREQUENCY_BUCKETS)), new ManifestBuilder.RunFacts("run",
            List.of(), 0, 0, List.of(false, false, false, false), HotStartSource.NONE, 0, 0));
    manifest.set("files", Manifest.fileEntries(dir.getFileSystem(conf), dir, files));
    Manifest.write(manifest, dir, conf);
    return summary.storage().totalKept();
  }

  /** Values v0, v1, ... with counts falling as Zipf(1.1) from 10^7. */
  static FieldVocabulary zipfField(String name, int values) {
    String[] v = new String[values];
    long[] counts = new long[values + 1];
    for (int i = 0; i < values; i++) {
      v[i] = "v" + i;
      counts[i + 1] = Math.max(1, Math.round(1e7 / Math.pow(i + 1, 1.1)));
    }
    return FieldVocabulary.ofRows(name, v, counts);
  }

  static List<Map<String, Object>> examples(int rows, int n) {
    SplittableRandom r = new SplittableRandom(1);
    List<Map<String, Object>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> ex = new HashMap<>();
      ex.put("big", "v" + Math.min(rows - 1, (int) Math.floor(Math.pow(r.nextDouble(), -1 / 0.1)) - 1));
      for (int f = 1; f <= 3; f++) {
        ex.put("small" + f, "v" + r.nextInt(SMALL));
      }
      out.add(ex);
    }
    return out;
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** The sum of the heap pools' peaks since {@link #resetPeaks} (an upper bound of the peak heap in use). */
  private static long peakUsed() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}

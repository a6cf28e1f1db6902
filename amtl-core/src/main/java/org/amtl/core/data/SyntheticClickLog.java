package org.amtl.core.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.amtl.core.util.Seeds;

/**
 * A generated click log with a planted model. Field f draws value ranks from a Zipf(s) law over {@code values}
 * values. Each value v of rank r has a true vector of {@code trueDim} dims of which only the first k*(r) are
 * non-zero. With prefix signal (the default) k*(r) falls from trueDim (rank 1) to 1 (the rarest rank) linearly in
 * log(rank), so frequent values carry signal in more dims than rare ones; with signal in all dims k*(r) = trueDim
 * for every value. The label is Bernoulli(sigmoid(bias + sum_f &lt;w_f, e*_{f,v}&gt;)).
 */
public final class SyntheticClickLog {
  /** One generated row: label and per field the value's true rank (1 = most frequent). */
  public record Row(int label, int[] ranks) {}

  private final int fields;
  private final int values;
  private final int trueDim;
  private final boolean prefixSignal;
  private final double[][] cdf;
  private final float[][][] trueVectors; // [field][rank][dim]
  private final float[][] fieldWeights; // [field][dim]
  private final float bias;

  /** A log whose planted model puts signal in a prefix that shrinks with rarity. */
  public SyntheticClickLog(int fields, int values, double zipf, int trueDim, double signal, long seed) {
    this(fields, values, zipf, trueDim, signal, seed, true);
  }

  /** {@code prefixSignal} false: every value carries signal in all {@code trueDim} dims. */
  public SyntheticClickLog(int fields, int values, double zipf, int trueDim, double signal, long seed,
      boolean prefixSignal) {
    this.fields = fields;
    this.values = values;
    this.trueDim = trueDim;
    this.prefixSignal = prefixSignal;
    this.cdf = new double[fields][values];
    this.trueVectors = new float[fields][values + 1][trueDim];
    this.fieldWeights = new float[fields][trueDim];
    SplittableRandom rnd = Seeds.random(seed, "synthetic-planted-model");
    for (int f = 0; f < fields; f++) {
      double total = 0;
      for (int r = 1; r <= values; r++) {
        total += Math.pow(r, -zipf);
        cdf[f][r - 1] = total;
      }
      for (int r = 0; r < values; r++) {
        cdf[f][r] /= total;
      }
      for (int j = 0; j < trueDim; j++) {
        fieldWeights[f][j] = (float) (rnd.nextGaussian() * signal / Math.sqrt(fields * trueDim));
      }
      for (int r = 1; r <= values; r++) {
        int k = trueDimOf(r);
        for (int j = 0; j < k; j++) {
          trueVectors[f][r][j] = (float) rnd.nextGaussian();
        }
      }
    }
    this.bias = -1.0f;
  }

  /** k*(r): the number of dims that carry signal for rank r. */
  public int trueDimOf(int rank) {
    if (!prefixSignal) {
      return trueDim;
    }
    double x = values == 1 ? 0 : Math.log(rank) / Math.log(values);
    return Math.max(1, (int) Math.round(trueDim * (1 - x)));
  }

  public int fields() {
    return fields;
  }

  /** Generates {@code rows} rows from a stream seeded by (seed, name). */
  public List<Row> generate(int rows, long seed, String name) {
    SplittableRandom rnd = Seeds.random(seed, name);
    List<Row> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      int[] ranks = new int[fields];
      double logit = bias;
      for (int f = 0; f < fields; f++) {
        int r = sampleRank(f, rnd.nextDouble());
        ranks[f] = r;
        float[] e = trueVectors[f][r];
        for (int j = 0; j < trueDim; j++) {
          logit += fieldWeights[f][j] * e[j];
        }
      }
      int label = rnd.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      out.add(new Row(label, ranks));
    }
    return out;
  }

  private int sampleRank(int f, double u) {
    double[] c = cdf[f];
    int lo = 0;
    int hi = c.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (c[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo + 1;
  }

  /** The value string of rank r in field f, as a click log would hold it. */
  public static String valueOf(int field, int rank) {
    return "f" + field + "_v" + rank;
  }

  /** Vocabulary from the counts in {@code rows}. */
  public static Vocabulary vocabulary(List<Row> rows, int fields, long minCount) {
    List<FieldVocabulary> fvs = new ArrayList<>();
    for (int f = 0; f < fields; f++) {
      Map<String, Long> counts = new HashMap<>();
      for (Row r : rows) {
        counts.merge(valueOf(f, r.ranks()[f]), 1L, Long::sum);
      }
      fvs.add(FieldVocabulary.fromCounts("C" + (f + 1), counts, minCount));
    }
    return new Vocabulary(fvs);
  }

  /** Encodes rows with a vocabulary (unseen values go to OOV). */
  public static List<Example> encode(List<Row> rows, Vocabulary vocab) {
    List<Example> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      int[] ids = new int[vocab.numFields()];
      for (int f = 0; f < ids.length; f++) {
        ids[f] = vocab.field(f).idOf(valueOf(f, r.ranks()[f]));
      }
      out.add(Example.single(r.label(), ids));
    }
    return out;
  }
}

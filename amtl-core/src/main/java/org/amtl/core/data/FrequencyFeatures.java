package org.amtl.core.data;

/**
 * The frequency features s_i of every row of one field, and the twin weight a_i (docs: amtl-method.md, "The
 * layer", items 2 and 4):
 * <ul>
 *   <li>one-hot of the bucket floor(log2(1 + c_i)), capped at B - 1;</li>
 *   <li>u_i, the per-field min-max of log(1 + c) over in-vocabulary values, in [0, 1] (OOV: c = 0);</li>
 *   <li>the normalized rank 1 - (r_i - 1) / |V| (OOV ranks last: 0).</li>
 * </ul>
 * a_i = u_i weighs h-AML against l-AML. Kept as four floats per row side by side (bucket, u, rank, and mean count /
 * count for the per-row budget), spread into s_i on request: a model holds 16 bytes per row for them, not a
 * (B + 2)-float vector, and a batch's random rows cost one cache miss each, not four.
 */
public final class FrequencyFeatures {
  /** Number of dense values after the one-hot bucket in s_i: u_i and the rank. */
  public static final int TAIL = 2;
  private static final int PER_ROW = 4;
  private static final int BUCKET = 0; // as a float: exact for any bucket index
  private static final int WEIGHT = 1; // a_i = u_i
  private static final int RANK = 2; // normalized rank
  private static final int INVERSE_FREQUENCY = 3;
  private final int rows;
  private final int width;
  private final int buckets;
  private final float[] perRow; // (rows, PER_ROW)

  private FrequencyFeatures(int rows, int buckets) {
    this.rows = rows;
    this.buckets = buckets;
    this.width = buckets + TAIL;
    this.perRow = new float[rows * PER_ROW];
  }

  public static FrequencyFeatures of(FieldVocabulary vocab, int buckets) {
    int rows = vocab.rows();
    FrequencyFeatures ff = new FrequencyFeatures(rows, buckets);
    int n = vocab.size();
    double logMin = n == 0 ? 0 : Math.log1p(vocab.count(n));
    double logMax = n == 0 ? 0 : Math.log1p(vocab.count(1));
    double total = 0;
    for (int id = 0; id < rows; id++) {
      total += vocab.count(id);
    }
    double meanCount = Math.max(1, total / rows);
    for (int id = 0; id < rows; id++) {
      long c = vocab.count(id);
      int b = bucketOf(c, buckets);
      double u;
      if (id == FieldVocabulary.OOV) {
        u = 0;
      } else if (logMax > logMin) {
        u = Math.min(1, Math.max(0, (Math.log1p(c) - logMin) / (logMax - logMin)));
      } else {
        u = 1;
      }
      int o = id * PER_ROW;
      ff.perRow[o + BUCKET] = b;
      ff.perRow[o + WEIGHT] = (float) u;
      ff.perRow[o + RANK] = (float) (id == FieldVocabulary.OOV ? 0 : 1.0 - (id - 1.0) / n);
      ff.perRow[o + INVERSE_FREQUENCY] = (float) (meanCount / Math.max(1, c));
    }
    return ff;
  }

  /** floor(log2(1 + count)), capped at buckets - 1. */
  public static int bucketOf(long count, int buckets) {
    int b = 63 - Long.numberOfLeadingZeros(count + 1);
    return Math.min(b, buckets - 1);
  }

  public int rows() {
    return rows;
  }

  /** Length of s_i. */
  public int width() {
    return width;
  }

  public int buckets() {
    return buckets;
  }

  /**
   * s_i of rows ids[0..n) in the sparse form: the bucket (the one column of the one-hot part that is 1) into
   * {@code hot}, u_i and the rank into {@code tail} (n x {@link #TAIL}).
   */
  public void copyOneHotTo(int[] ids, int n, int[] hot, float[] tail) {
    for (int i = 0; i < n; i++) {
      int o = ids[i] * PER_ROW;
      hot[i] = (int) perRow[o + BUCKET];
      tail[i * TAIL] = perRow[o + WEIGHT];
      tail[i * TAIL + 1] = perRow[o + RANK];
    }
  }

  /** Copies s_{id} into {@code out} at {@code offset}. */
  public void copyTo(int id, float[] out, int offset) {
    int o = id * PER_ROW;
    java.util.Arrays.fill(out, offset, offset + buckets, 0f);
    out[offset + (int) perRow[o + BUCKET]] = 1f;
    out[offset + buckets] = perRow[o + WEIGHT];
    out[offset + buckets + 1] = perRow[o + RANK];
  }

  /** a_id, the h-AML weight. */
  public float weight(int id) {
    return perRow[id * PER_ROW + WEIGHT];
  }

  /**
   * mean count / count_id (counts below 1 taken as 1): weighting each lookup by it turns a per-lookup average into,
   * in expectation, a per-row average (the storage budget per row).
   */
  public float inverseFrequency(int id) {
    return perRow[id * PER_ROW + INVERSE_FREQUENCY];
  }

  public int bucket(int id) {
    return (int) perRow[id * PER_ROW + BUCKET];
  }
}

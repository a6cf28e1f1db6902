package org.amtl.core.data;

/**
 * The frequency features s_i of every row of one field, and the twin weight a_i (docs: amtl-method.md, "The
 * layer", items 2 and 4):
 * <ul>
 *   <li>one-hot of the bucket floor(log2(1 + c_i)), capped at B - 1;</li>
 *   <li>u_i, the per-field min-max of log(1 + c) over in-vocabulary values, in [0, 1] (OOV: c = 0);</li>
 *   <li>the normalized rank 1 - (r_i - 1) / |V| (OOV ranks last: 0).</li>
 * </ul>
 * a_i = u_i weighs h-AML against l-AML. Kept as three numbers per row (bucket, u, rank) and spread into s_i on
 * request, so a model holds a few bytes per row for them, not a (B + 2)-float vector.
 */
public final class FrequencyFeatures {
  private final int rows;
  private final int width;
  private final int buckets;
  private final float[] rank; // normalized rank
  private final float[] weight; // a_i = u_i
  private final int[] bucket;
  private final float[] inverseFrequency;

  private FrequencyFeatures(int rows, int buckets) {
    this.rows = rows;
    this.buckets = buckets;
    this.width = buckets + 2;
    this.rank = new float[rows];
    this.weight = new float[rows];
    this.bucket = new int[rows];
    this.inverseFrequency = new float[rows];
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
      ff.rank[id] = (float) (id == FieldVocabulary.OOV ? 0 : 1.0 - (id - 1.0) / n);
      ff.weight[id] = (float) u;
      ff.bucket[id] = b;
      ff.inverseFrequency[id] = (float) (meanCount / Math.max(1, c));
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

  /** Copies s_{id} into {@code out} at {@code offset}. */
  public void copyTo(int id, float[] out, int offset) {
    java.util.Arrays.fill(out, offset, offset + buckets, 0f);
    out[offset + bucket[id]] = 1f;
    out[offset + buckets] = weight[id];
    out[offset + buckets + 1] = rank[id];
  }

  /** a_id, the h-AML weight. */
  public float weight(int id) {
    return weight[id];
  }

  /**
   * mean count / count_id (counts below 1 taken as 1): weighting each lookup by it turns a per-lookup average into,
   * in expectation, a per-row average (the storage budget per row).
   */
  public float inverseFrequency(int id) {
    return inverseFrequency[id];
  }

  public int bucket(int id) {
    return bucket[id];
  }
}

package org.amtl.core.data;

/**
 * The frequency features s_i of every row of one field, and the twin weight a_i (docs/method.md, "The layer",
 * items 1 and 3):
 * <ul>
 *   <li>one-hot of the bucket floor(log2(1 + c_i)), capped at B - 1;</li>
 *   <li>u_i, the per-field min-max of log(1 + c) over in-vocabulary values, in [0, 1] (OOV: c = 0);</li>
 *   <li>the normalized rank 1 - (r_i - 1) / |V|, where r_i is the mean rank of the values that share c_i (its tie
 *   group), so equally frequent values get equal features (OOV ranks last: 0).</li>
 * </ul>
 * a_i = u_i weighs h-AML against l-AML; mean count / count scales the per-row budget. Each is computed on request
 * from the row's count in the field's vocabulary, which the model holds anyway: a model keeps no per-row copy of
 * them (16 bytes a row, a twentieth of a d = 32 table with its optimizer state), and a batch's random rows cost one
 * read of their count each. The arithmetic is the one a precomputed table would store, so the floats are the same.
 */
public final class FrequencyFeatures {
  /** Number of dense values after the one-hot bucket in s_i: u_i and the rank. */
  public static final int TAIL = 2;
  private final FieldVocabulary vocab;
  private final int width;
  private final int buckets;
  private final double logMin; // log(1 + c) of the least and most frequent in-vocabulary value
  private final double logMax;
  private final double meanCount; // over every row, OOV included; at least 1
  private final int size; // in-vocabulary values of the whole field
  private final CountGroups groups; // of the whole field

  private FrequencyFeatures(FieldVocabulary vocab, int buckets) {
    this.vocab = vocab;
    this.buckets = buckets;
    this.width = buckets + TAIL;
    FieldStats stats = vocab.stats(); // of the whole field, for a slice of it too
    this.size = stats.size();
    this.logMin = Math.log1p(stats.minCount());
    this.logMax = Math.log1p(stats.maxCount());
    this.meanCount = Math.max(1, (double) stats.totalCount() / stats.rows());
    this.groups = stats.groups();
  }

  public static FrequencyFeatures of(FieldVocabulary vocab, int buckets) {
    return new FrequencyFeatures(vocab, buckets);
  }

  /** floor(log2(1 + count)), capped at buckets - 1. */
  public static int bucketOf(long count, int buckets) {
    int b = 63 - Long.numberOfLeadingZeros(count + 1);
    return Math.min(b, buckets - 1);
  }

  public int rows() {
    return vocab.rows();
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
      copyOneHotOfCount(vocab.count(ids[i]), ids[i] == FieldVocabulary.OOV, i, hot, tail);
    }
  }

  /**
   * s of a value counted {@code count} (of the OOV row when {@code oov}) in the sparse form, as entry {@code i} of
   * {@code hot} and {@code tail}: the features are a function of the count, so this needs no row.
   */
  public void copyOneHotOfCount(long count, boolean oov, int i, int[] hot, float[] tail) {
    hot[i] = bucketOf(count, buckets);
    tail[i * TAIL] = weight(oov, count);
    tail[i * TAIL + 1] = rank(oov, count);
  }

  /** The whole field's tie groups (its distinct counts). */
  public CountGroups groups() {
    return groups;
  }

  /** Copies s_{id} into {@code out} at {@code offset}. */
  public void copyTo(int id, float[] out, int offset) {
    long c = vocab.count(id);
    boolean oov = id == FieldVocabulary.OOV;
    java.util.Arrays.fill(out, offset, offset + buckets, 0f);
    out[offset + bucketOf(c, buckets)] = 1f;
    out[offset + buckets] = weight(oov, c);
    out[offset + buckets + 1] = rank(oov, c);
  }

  /** a_id, the h-AML weight. */
  public float weight(int id) {
    return weight(id == FieldVocabulary.OOV, vocab.count(id));
  }

  // u: min-max of log(1 + c) over the in-vocabulary values, clamped to [0, 1]; OOV 0, a one-count field 1
  private float weight(boolean oov, long count) {
    if (oov) {
      return 0f;
    }
    if (logMax > logMin) {
      return (float) Math.min(1, Math.max(0, (Math.log1p(count) - logMin) / (logMax - logMin)));
    }
    return 1f;
  }

  // 1 - (r - 1) / |V| for r the mean id of the values counted c in the whole field; OOV ranks last: 0
  private float rank(boolean oov, long count) {
    return (float) (oov ? 0 : 1.0 - (groups.meanRank(count) - 1.0) / size);
  }

  /**
   * mean count / count_id (counts below 1 taken as 1): weighting each lookup by it turns a per-lookup average into,
   * in expectation, a per-row average (the storage budget per row).
   */
  public float inverseFrequency(int id) {
    return (float) (meanCount / Math.max(1, vocab.count(id)));
  }

  /** The count of row {@code id} (0 for OOV). */
  public long count(int id) {
    return vocab.count(id);
  }

  public int bucket(int id) {
    return bucketOf(vocab.count(id), buckets);
  }
}

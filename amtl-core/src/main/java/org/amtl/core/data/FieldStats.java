package org.amtl.core.data;

/**
 * One field's statistics: its rows (OOV included), the least, the largest and the sum of its in-vocabulary
 * values' counts (0 for a field without one), and its tie groups (the values of each count). What the frequency
 * features need besides a row's own count, so a model over a slice of the field's rows computes the same features
 * as a model over all of them.
 */
public record FieldStats(int rows, long minCount, long maxCount, long totalCount, CountGroups groups)
    implements java.io.Serializable {
  /** The statistics of a whole vocabulary. */
  public static FieldStats of(FieldVocabulary vocab) {
    long total = 0;
    for (int id = 0; id < vocab.rows(); id++) {
      total += vocab.count(id);
    }
    int n = vocab.rows() - 1;
    return new FieldStats(vocab.rows(), n == 0 ? 0 : vocab.count(n), n == 0 ? 0 : vocab.count(1), total,
        CountGroups.of(vocab));
  }

  /** Number of in-vocabulary values (rows minus OOV). */
  public int size() {
    return rows - 1;
  }
}

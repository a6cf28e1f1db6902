package org.amtl.core.data;

import java.util.Arrays;
import java.util.Map;
import org.amtl.core.util.StringRowIndex;
import org.amtl.core.util.StringSort;

/**
 * The vocabulary of one field. Row 0 is the out-of-vocabulary (OOV) row; rows 1..n hold the values seen at
 * least minCount times, ordered by count (descending, ties by value), so a value's row id is its rank.
 */
public final class FieldVocabulary {
  /** Row id of the OOV row in every field. */
  public static final int OOV = 0;

  private final String name;
  private final String[] values; // values[id - 1]; null in a counts-only vocabulary
  private final long[] counts; // counts[id], counts[0] = 0 (OOV)
  private final int[] globalIds; // a slice's row ids in the whole field, ascending; null for a whole field
  private final FieldStats stats; // of the whole field
  private volatile StringRowIndex index; // built on first lookup; volatile: tasks share one instance

  private FieldVocabulary(String name, String[] values, long[] counts) {
    this.name = name;
    this.values = values;
    this.counts = counts;
    this.globalIds = null;
    this.stats = FieldStats.of(this);
  }

  private FieldVocabulary(String name, long[] counts, int[] globalIds, FieldStats stats) {
    this.name = name;
    this.values = null;
    this.counts = counts;
    this.globalIds = globalIds;
    this.stats = stats;
  }

  /** Builds the vocabulary from value counts; values with count below {@code minCount} go to OOV. */
  public static FieldVocabulary fromCounts(String name, Map<String, Long> counts, long minCount) {
    String[] values = new String[counts.size()];
    long[] c = new long[counts.size()];
    int i = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      values[i] = e.getKey();
      c[i++] = e.getValue();
    }
    return fromCounts(name, values, c, minCount);
  }

  /**
   * Builds the vocabulary from distinct values and their counts (parallel arrays); values with count below
   * {@code minCount} go to OOV.
   */
  public static FieldVocabulary fromCounts(String name, String[] values, long[] counts, long minCount) {
    int kept = 0;
    for (int i = 0; i < values.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException(
            "field '" + name + "': count of value '" + values[i] + "' = " + counts[i] + " (expected >= 0)");
      }
      if (counts[i] >= minCount) {
        kept++;
      }
    }
    // by count, descending: each count's rank among the distinct counts in the high half, the value's index in the
    // low, so one primitive sort orders them (a comparator sort of records took the driver longer)
    long[] distinct = new long[kept];
    int k = 0;
    for (int i = 0; i < values.length; i++) {
      if (counts[i] >= minCount) {
        distinct[k++] = counts[i];
      }
    }
    Arrays.sort(distinct);
    int nDistinct = unique(distinct);
    long[] order = new long[kept];
    k = 0;
    for (int i = 0; i < values.length; i++) {
      if (counts[i] >= minCount) {
        long fromTop = nDistinct - 1 - Arrays.binarySearch(distinct, 0, nDistinct, counts[i]);
        order[k++] = fromTop << 32 | i;
      }
    }
    Arrays.sort(order);
    String[] rowValues = new String[kept];
    long[] rowCounts = new long[kept + 1];
    for (int r = 0; r < kept; r++) {
      int i = (int) order[r];
      rowValues[r] = values[i];
      rowCounts[r + 1] = counts[i];
    }
    for (int from = 0, to; from < kept; from = to) { // ties by value
      to = from + 1;
      while (to < kept && rowCounts[to + 1] == rowCounts[from + 1]) {
        to++;
      }
      StringSort.sort(rowValues, from, to);
    }
    return new FieldVocabulary(name, rowValues, rowCounts);
  }

  // sorted v -> its distinct values first (in order); returns how many
  private static int unique(long[] v) {
    int n = 0;
    for (int i = 0; i < v.length; i++) {
      if (n == 0 || v[i] != v[n - 1]) {
        v[n++] = v[i];
      }
    }
    return n;
  }

  /**
   * Builds directly from values already in row order and their counts (counts[0] is the OOV row's); null values
   * make a vocabulary of counts only.
   */
  public static FieldVocabulary ofRows(String name, String[] values, long[] counts) {
    if (counts.length < 1 || values != null && counts.length != values.length + 1) {
      throw new IllegalArgumentException("field '" + name + "': counts.length = " + counts.length
          + " (expected " + (values == null ? "at least 1, the OOV row" : "values.length + 1 = " + (values.length + 1))
          + ")");
    }
    for (int i = 2; i < counts.length; i++) {
      if (counts[i] > counts[i - 1]) {
        throw new IllegalArgumentException("field '" + name + "': count of row " + i + " = " + counts[i]
            + " (expected rows ordered by count, <= " + counts[i - 1] + ")");
      }
    }
    return new FieldVocabulary(name, values == null ? null : values.clone(), counts.clone());
  }

  /** The same rows and counts without the values (which {@link #value} and {@link #idOf} then refuse). */
  public FieldVocabulary countsOnly() {
    return globalIds != null ? this : new FieldVocabulary(name, null, counts);
  }

  /**
   * A slice of this field: the rows {@code globalIds} (ascending, OOV 0 first) as rows 0..n-1 with their counts,
   * and this field's {@link #stats}, counts only. A model built on it holds those rows alone and computes the same
   * frequency features for them ({@link #globalId} gives a row's rank in the field).
   */
  public FieldVocabulary slice(int[] globalIds) {
    if (globalIds.length == 0 || globalIds[0] != OOV) {
      throw new IllegalArgumentException("field '" + name + "': a slice starts with the OOV row 0");
    }
    long[] sliceCounts = new long[globalIds.length];
    for (int i = 0; i < globalIds.length; i++) {
      if (i > 0 && globalIds[i] <= globalIds[i - 1] || globalIds[i] >= rows()) {
        throw new IllegalArgumentException("field '" + name + "': slice row " + i + " = " + globalIds[i]
            + " (expected ascending ids below " + rows() + ")");
      }
      sliceCounts[i] = count(globalIds[i]);
    }
    int[] ids = globalIds.clone();
    if (this.globalIds != null) {
      for (int i = 0; i < ids.length; i++) {
        ids[i] = this.globalIds[ids[i]];
      }
    }
    return new FieldVocabulary(name, sliceCounts, ids, stats);
  }

  /**
   * A slice built where no whole vocabulary exists (rows held by a shard): rows {@code globalIds} (ascending, OOV 0
   * first) with their {@code counts}, and the whole field's {@code stats}.
   */
  public static FieldVocabulary sliceOf(String name, int[] globalIds, long[] counts, FieldStats stats) {
    if (globalIds.length == 0 || globalIds[0] != OOV || counts.length != globalIds.length) {
      throw new IllegalArgumentException("field '" + name + "': a slice of " + globalIds.length + " rows and "
          + counts.length + " counts (expected as many, starting with the OOV row 0)");
    }
    for (int i = 1; i < globalIds.length; i++) {
      if (globalIds[i] <= globalIds[i - 1] || globalIds[i] >= stats.rows()) {
        throw new IllegalArgumentException("field '" + name + "': slice row " + i + " = " + globalIds[i]
            + " (expected ascending ids below " + stats.rows() + ")");
      }
    }
    return new FieldVocabulary(name, counts.clone(), globalIds.clone(), stats);
  }

  /** A row's id in the whole field, or null for a whole field: what a table over the slice starts its rows from. */
  public java.util.function.IntUnaryOperator globalRows() {
    return globalIds == null ? null : this::globalId;
  }

  /** Row {@code id}'s id in the whole field (its rank by count): {@code id} itself unless this is a slice. */
  public int globalId(int id) {
    return globalIds == null ? id : globalIds[id];
  }

  /** Whether this holds some rows of its field only ({@link #slice}). */
  public boolean isSlice() {
    return globalIds != null;
  }

  /** The whole field's statistics (for a slice too). */
  public FieldStats stats() {
    return stats;
  }

  /** False for a vocabulary of counts only. */
  public boolean hasValues() {
    return values != null;
  }

  public String name() {
    return name;
  }

  /** Number of rows including OOV. */
  public int rows() {
    return counts.length;
  }

  /** Number of in-vocabulary values (rows minus OOV). */
  public int size() {
    return counts.length - 1;
  }

  public long count(int id) {
    return counts[id];
  }

  /** The value of row {@code id}, or null for OOV. */
  public String value(int id) {
    return id == OOV ? null : values()[id - 1];
  }

  /** Row id of {@code value}; null and unseen values map to OOV. */
  public int idOf(String value) {
    if (value == null) {
      return OOV;
    }
    StringRowIndex i = index;
    if (i == null) {
      try {
        i = new StringRowIndex(values());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("field '" + name + "': " + e.getMessage(), e);
      }
      index = i;
    }
    return i.rowOf(value) + 1; // row r of values is id r + 1; not found (-1) is OOV
  }

  /** A copy of the per-row counts (index = row id). */
  public long[] counts() {
    return counts.clone();
  }

  private String[] values() {
    if (values == null) {
      throw new IllegalStateException("field '" + name + "': this vocabulary holds counts only, no values");
    }
    return values;
  }

  @Override
  public String toString() {
    return "FieldVocabulary[" + name + ", " + size() + " values, " + (values == null ? "counts only"
        : "top " + Arrays.toString(Arrays.copyOf(values, Math.min(3, values.length)))) + "]";
  }
}

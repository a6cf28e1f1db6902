package org.amtl.core.data;

import java.util.Arrays;

/**
 * A field's tie groups: the values that share a count, in row order (count descending). The values of one count
 * hold the consecutive ids {@code first..last}, and their shared rank is the mean of those ids, so a value's rank
 * is a function of its count alone (the frequency features then do not tell equally frequent values apart). Holds
 * one entry per distinct count, which is what a driver may hold of a field whose values it never sees.
 */
public final class CountGroups implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final long[] counts; // distinct in-vocabulary counts, descending
  private final int[] lastIds; // the last row id with counts[g]

  private CountGroups(long[] counts, int[] lastIds) {
    this.counts = counts;
    this.lastIds = lastIds;
  }

  /**
   * From the distinct counts and how many values hold each, in any order; fails on a count given twice or a value
   * number below 1.
   */
  public static CountGroups of(long[] distinctCounts, long[] values) {
    if (distinctCounts.length != values.length) {
      throw new IllegalArgumentException(distinctCounts.length + " counts and " + values.length
          + " value numbers (expected as many)");
    }
    Integer[] order = new Integer[distinctCounts.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Long.compare(distinctCounts[b], distinctCounts[a]));
    long[] counts = new long[order.length];
    int[] lastIds = new int[order.length];
    long last = 0;
    for (int g = 0; g < order.length; g++) {
      counts[g] = distinctCounts[order[g]];
      if (g > 0 && counts[g] == counts[g - 1] || values[order[g]] < 1) {
        throw new IllegalArgumentException("count " + counts[g] + " with " + values[order[g]] + " values (expected"
            + " each count once, held by at least one value)");
      }
      last += values[order[g]];
      if (last >= Integer.MAX_VALUE) {
        throw new IllegalArgumentException(last + " values reach the limit of 2^31 - 2 rows of one field");
      }
      lastIds[g] = (int) last;
    }
    return new CountGroups(counts, lastIds);
  }

  /** The groups of a whole vocabulary's rows 1..n, whose counts descend. */
  static CountGroups of(FieldVocabulary vocab) {
    int groups = 0;
    for (int id = 1; id < vocab.rows(); id++) {
      if (id == 1 || vocab.count(id) != vocab.count(id - 1)) {
        groups++;
      }
    }
    long[] counts = new long[groups];
    int[] lastIds = new int[groups];
    int g = -1;
    for (int id = 1; id < vocab.rows(); id++) {
      if (id == 1 || vocab.count(id) != vocab.count(id - 1)) {
        counts[++g] = vocab.count(id);
      }
      lastIds[g] = id;
    }
    return new CountGroups(counts, lastIds);
  }

  /** Number of distinct counts. */
  public int size() {
    return counts.length;
  }

  /** The count of group {@code g} (groups in row order: count descending). */
  public long count(int g) {
    return counts[g];
  }

  /** Number of values (rows) in group {@code g}. */
  public int rows(int g) {
    return lastIds[g] - (g == 0 ? 0 : lastIds[g - 1]);
  }

  /**
   * The mean row id of the values with this count, (first + last) / 2; fails on a count no value of the field
   * holds.
   */
  public double meanRank(long count) {
    int g = group(count);
    int first = g == 0 ? 1 : lastIds[g - 1] + 1;
    return (first + (double) lastIds[g]) / 2;
  }

  private int group(long count) {
    int lo = 0;
    int hi = counts.length - 1;
    while (lo <= hi) { // counts descend
      int mid = (lo + hi) >>> 1;
      if (counts[mid] == count) {
        return mid;
      } else if (counts[mid] > count) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    throw new IllegalArgumentException("no value of the field has count " + count);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CountGroups c && Arrays.equals(counts, c.counts) && Arrays.equals(lastIds, c.lastIds);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(counts) + Arrays.hashCode(lastIds);
  }

  /** Every group as count:lastId, so a fingerprint built from it changes with any group. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int g = 0; g < counts.length; g++) {
      sb.append(g == 0 ? "" : ", ").append(counts[g]).append(':').append(lastIds[g]);
    }
    return sb.append(']').toString();
  }
}

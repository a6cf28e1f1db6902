package org.amtl.core.util;

import java.util.Arrays;

/**
 * Sorts a range of strings into {@link String#compareTo} order, like {@link Arrays#sort(Object[], int, int)}, but
 * reads each string once instead of at every comparison. A vocabulary's values with equal counts are such a range
 * (tens of thousands of short values, often sharing a prefix, scattered over the heap in the order they were
 * collected): a comparison sort of the strings misses the cache twice per comparison. Here each string's first
 * eight UTF-16 units are read once; the four after the range's common prefix become one long key; the keys sort in
 * cache with their positions, and only strings whose keys are equal are compared in full.
 */
public final class StringSort {
  /** Shorter ranges take the plain sort: building keys pays off only over many comparisons. */
  static final int SMALL = 64;

  private StringSort() {}

  /** Sorts {@code a[from, to)} into {@link String#compareTo} order. */
  public static void sort(String[] a, int from, int to) {
    sort(a, from, to, 2 * (32 - Integer.numberOfLeadingZeros(Math.max(1, to - from))));
  }

  /**
   * As {@link #sort(String[], int, int)}, the quicksort going at most {@code depth} partitions deep before the rest
   * of a range takes a merge sort (lopsided partitions, which only an adversarial order of values gives, would make
   * it quadratic); tests pass a small depth to reach that path.
   */
  static void sort(String[] a, int from, int to, int depth) {
    int n = to - from;
    if (n < SMALL) {
      Arrays.sort(a, from, to);
      return;
    }
    long[] keys = new long[n];
    long[] next = new long[n];
    int[] at = new int[n];
    for (int i = 0; i < n; i++) { // each string is read here once: units 0-3 and 4-7
      keys[i] = units(a[from + i], 0);
      next[i] = units(a[from + i], 4);
      at[i] = from + i;
    }
    int prefix = commonUnits(keys, next);
    if (prefix == 8) { // a long common prefix: read the strings again after it
      prefix = commonPrefix(a, from, to);
      for (int i = 0; i < n; i++) {
        keys[i] = units(a[from + i], prefix);
      }
    } else {
      for (int i = 0; i < n; i++) {
        keys[i] = prefix < 4 ? keys[i] << 16 * prefix | (prefix == 0 ? 0 : next[i] >>> 64 - 16 * prefix)
            : next[i] << 16 * (prefix - 4);
      }
    }
    for (int i = 0; i < n; i++) {
      keys[i] ^= Long.MIN_VALUE; // signed order of the keys is now the unsigned order of their units
    }
    sortByKey(keys, at, 0, n - 1, depth);
    String[] sorted = new String[n];
    for (int i = 0; i < n; i++) {
      sorted[i] = a[at[i]];
    }
    for (int s = 0, e; s < n; s = e) { // equal keys: the strings decide
      e = s + 1;
      while (e < n && keys[e] == keys[s]) {
        e++;
      }
      if (e - s > 1) {
        Arrays.sort(sorted, s, e);
      }
    }
    System.arraycopy(sorted, 0, a, from, n);
  }

  private static int commonPrefix(String[] a, int from, int to) {
    String first = a[from];
    int prefix = first.length();
    for (int i = from + 1; i < to && prefix > 0; i++) {
      String s = a[i];
      int limit = Math.min(prefix, s.length());
      int p = 0;
      while (p < limit && s.charAt(p) == first.charAt(p)) {
        p++;
      }
      prefix = p;
    }
    return prefix;
  }

  /**
   * The units at {@code at .. at + 3}, a missing one as 0, packed high to low. If two strings' packed units differ,
   * the strings differ in the same direction (compared unsigned): a string that ends compares as unit 0, below or
   * equal to any unit; equal keys go to the full comparison.
   */
  static long units(String s, int at) {
    long k = 0;
    for (int p = at; p < at + 4; p++) {
      k = k << 16 | (p < s.length() ? s.charAt(p) : 0);
    }
    return k;
  }

  /** How many of the first 8 units (missing ones as 0) all strings share: 8 means at least 8. */
  private static int commonUnits(long[] first, long[] second) {
    long differ = 0;
    long differNext = 0;
    for (int i = 1; i < first.length; i++) {
      differ |= first[i] ^ first[0];
      differNext |= second[i] ^ second[0];
    }
    return differ != 0 ? Long.numberOfLeadingZeros(differ) / 16
        : 4 + (differNext != 0 ? Long.numberOfLeadingZeros(differNext) / 16 : 4);
  }

  /**
   * Quicksort of keys[lo..hi] carrying at[]: median of three, three-way partition, insertion sort when short, a merge
   * sort below {@code depth} partitions.
   */
  private static void sortByKey(long[] keys, int[] at, int lo, int hi, int depth) {
    while (hi - lo > 16) {
      if (depth-- == 0) {
        mergeSortByKey(keys, at, lo, hi);
        return;
      }
      int mid = (lo + hi) >>> 1;
      long pivot = median(keys[lo], keys[mid], keys[hi]);
      int lt = lo;
      int gt = hi;
      int i = lo;
      while (i <= gt) { // [lo, lt) < pivot, [lt, i) == pivot, (gt, hi] > pivot
        if (keys[i] < pivot) {
          swap(keys, at, lt++, i++);
        } else if (keys[i] > pivot) {
          swap(keys, at, i, gt--);
        } else {
          i++;
        }
      }
      if (lt - lo < hi - gt) { // recurse into the shorter side: the stack stays logarithmic
        sortByKey(keys, at, lo, lt - 1, depth);
        lo = gt + 1;
      } else {
        sortByKey(keys, at, gt + 1, hi, depth);
        hi = lt - 1;
      }
    }
    for (int i = lo + 1; i <= hi; i++) {
      long k = keys[i];
      int x = at[i];
      int j = i - 1;
      while (j >= lo && keys[j] > k) {
        keys[j + 1] = keys[j];
        at[j + 1] = at[j];
        j--;
      }
      keys[j + 1] = k;
      at[j + 1] = x;
    }
  }

  /** keys[lo..hi] carrying at[] by a merge sort of their positions: n log n whatever the order, slower. */
  private static void mergeSortByKey(long[] keys, int[] at, int lo, int hi) {
    int n = hi - lo + 1;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = lo + i;
    }
    Arrays.sort(order, java.util.Comparator.comparingLong(i -> keys[i]));
    long[] sortedKeys = new long[n];
    int[] sortedAt = new int[n];
    for (int i = 0; i < n; i++) {
      sortedKeys[i] = keys[order[i]];
      sortedAt[i] = at[order[i]];
    }
    System.arraycopy(sortedKeys, 0, keys, lo, n);
    System.arraycopy(sortedAt, 0, at, lo, n);
  }

  private static long median(long a, long b, long c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  private static void swap(long[] keys, int[] at, int i, int j) {
    long k = keys[i];
    keys[i] = keys[j];
    keys[j] = k;
    int x = at[i];
    at[i] = at[j];
    at[j] = x;
  }
}

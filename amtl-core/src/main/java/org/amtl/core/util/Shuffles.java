package org.amtl.core.util;

import java.util.Random;

/** Shuffled row orders as int arrays, with no boxed list in between. */
public final class Shuffles {
  private Shuffles() {}

  /**
   * The rows {@code from..to-1} in a shuffled order: the same order {@code Collections.shuffle} gives a list of
   * them with the same {@code Random} (the same swaps, from the last position down), so training orders did not
   * change when partitions moved from lists of examples to blocks.
   */
  public static int[] range(int from, int to, Random rnd) {
    int[] rows = new int[to - from];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = from + i;
    }
    for (int i = rows.length; i > 1; i--) {
      int j = rnd.nextInt(i);
      int t = rows[i - 1];
      rows[i - 1] = rows[j];
      rows[j] = t;
    }
    return rows;
  }
}

package org.amtl.core.util;

/**
 * Finds the row of a string among distinct values held in an array: open addressing over one int table (linear
 * probing, at most half full), which stores row numbers, never keys or boxes. About 8 bytes per value, against
 * some 50 for a {@code HashMap<String, Integer>} entry with its boxed row: a vocabulary of millions of values is
 * looked up on every executor, beside the model.
 */
public final class StringRowIndex {
  private final String[] values;
  private final int[] table; // row + 1, or 0 for an empty slot
  private final int mask;
  private final int shift;

  /** Indexes {@code values} (which must be distinct; the array is kept, not copied): value i is row {@code i}. */
  public StringRowIndex(String[] values) {
    this.values = values;
    int capacity = Integer.highestOneBit(Math.max(2, values.length) * 2 - 1) << 1;
    this.table = new int[capacity];
    this.mask = capacity - 1;
    this.shift = Integer.numberOfLeadingZeros(mask);
    for (int row = 0; row < values.length; row++) {
      int slot = slotOf(values[row]);
      if (table[slot] != 0) {
        throw new IllegalArgumentException("value '" + values[row] + "' appears twice (rows " + (table[slot] - 1)
            + " and " + row + ")");
      }
      table[slot] = row + 1;
    }
  }

  /** The row of {@code value}, or -1 when it is not among the values. */
  public int rowOf(String value) {
    return table[slotOf(value)] - 1;
  }

  /** The slot holding {@code value}, or the empty slot where it would go. */
  private int slotOf(String value) {
    int slot = (value.hashCode() * 0x9E3779B9) >>> shift; // Fibonacci hashing: the product's top bits
    while (table[slot] != 0 && !values[table[slot] - 1].equals(value)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }
}

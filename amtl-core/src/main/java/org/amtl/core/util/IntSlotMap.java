package org.amtl.core.util;

import java.util.Arrays;

/**
 * Maps non-negative int keys to dense slots 0..size-1 in insertion order (open addressing, no boxing). Used to
 * gather the unique row ids of a batch.
 */
public final class IntSlotMap {
  private int[] keys;
  private int[] slots;
  private int[] order;
  private int size;

  public IntSlotMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    keys = new int[cap];
    slots = new int[cap];
    order = new int[Math.max(4, expected)];
    Arrays.fill(keys, -1);
  }

  /** The slot of {@code key}, adding it if new. */
  public int slotOf(int key) {
    int i = probe(key);
    if (keys[i] == key) {
      return slots[i];
    }
    if (size == order.length) {
      order = Arrays.copyOf(order, size * 2);
    }
    keys[i] = key;
    slots[i] = size;
    order[size] = key;
    size++;
    if (size * 2 > keys.length) {
      rehash();
    }
    return size - 1;
  }

  /** The table index holding {@code key}, or the empty index where it would go. */
  private int probe(int key) {
    int mask = keys.length - 1;
    int i = hash(key) & mask;
    while (keys[i] != -1 && keys[i] != key) {
      i = (i + 1) & mask;
    }
    return i;
  }

  public int size() {
    return size;
  }

  /** The key stored in {@code slot}. */
  public int keyAt(int slot) {
    return order[slot];
  }

  public void clear() {
    Arrays.fill(keys, -1);
    size = 0;
  }

  private void rehash() {
    int[] oldOrder = order;
    int n = size;
    keys = new int[keys.length * 2];
    slots = new int[keys.length];
    Arrays.fill(keys, -1);
    size = 0;
    for (int s = 0; s < n; s++) {
      slotOf(oldOrder[s]);
    }
  }

  private static int hash(int key) {
    int h = key * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}

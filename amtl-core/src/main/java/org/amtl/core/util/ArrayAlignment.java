package org.amtl.core.util;

import java.lang.reflect.Field;
import sun.misc.Unsafe;

/**
 * Which element of a {@code float[]} starts a cache line, for kernels that copy operands into a scratch
 * array before a long run of 32-byte vector loads. The JVM aligns objects to 8 bytes only, so an array's elements
 * start anywhere modulo 32, and at any offset but one half of a row's vector loads straddle two cache lines, which
 * costs the sparse product 15-25% (measured). Java has no API for an array's address: this reads the reference
 * through {@code sun.misc.Unsafe} (from the jdk.unsupported module, which Spark relies on too) and decodes a compressed
 * one with the shift it measures once. A hint only: the collector may move the array, and any answer, even a wrong
 * one, leaves every result unchanged; without Unsafe the answer is 0.
 */
public final class ArrayAlignment {
  /** The boundary, in bytes: a cache line, a whole number of vectors. */
  public static final int BYTES = 64;

  private static final Unsafe UNSAFE = unsafe();
  private static final int SHIFT = UNSAFE == null ? -1 : compressedShift();

  private ArrayAlignment() {}

  /** Whether this JVM lets addresses be read, so that {@link #firstAlignedIndex} knows rather than answers 0. */
  public static boolean known() {
    return SHIFT >= 0;
  }

  /** The first index in [0, 16) whose element's address is a multiple of 64 bytes (0 when that cannot be told). */
  public static int firstAlignedIndex(float[] array) {
    long address = addressOf(array);
    if (address < 0) {
      return 0;
    }
    long first = address + Unsafe.ARRAY_FLOAT_BASE_OFFSET;
    return (int) ((BYTES - first % BYTES) % BYTES) / Float.BYTES;
  }

  // the object's address up to the heap's base, which is aligned far beyond a cache line; -1 when unknown
  private static long addressOf(Object o) {
    return SHIFT < 0 ? -1 : reference(new Object[] {o}, 0) << SHIFT;
  }

  // the reference held at holder[index] as stored: an address, or a compressed one (32 bits, unsigned)
  private static long reference(Object[] holder, int index) {
    long offset = Unsafe.ARRAY_OBJECT_BASE_OFFSET + (long) index * Unsafe.ARRAY_OBJECT_INDEX_SCALE;
    return Unsafe.ARRAY_OBJECT_INDEX_SCALE == 8 ? UNSAFE.getLong(holder, offset)
        : UNSAFE.getInt(holder, offset) & 0xffffffffL;
  }

  private static Unsafe unsafe() {
    try {
      Field f = Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return (Unsafe) f.get(null);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  // A compressed reference is the address shifted right by 0 (heaps below 4 GB) or by log2 of the object alignment:
  // two arrays of 64 bytes (header and 12 floats) allocated back to back lie 64 bytes apart, so their references
  // differ by 64 shifted. Most of five tries must agree (a new allocation buffer between the two breaks one).
  private static int compressedShift() {
    if (Unsafe.ARRAY_OBJECT_INDEX_SCALE == 8) {
      return 0;
    }
    int size = 64;
    int floats = (size - Unsafe.ARRAY_FLOAT_BASE_OFFSET) / Float.BYTES;
    int[] votes = new int[8];
    Object[] pair = new Object[2];
    for (int t = 0; t < 5; t++) {
      pair[0] = new float[floats];
      pair[1] = new float[floats];
      long apart = reference(pair, 1) - reference(pair, 0);
      for (int shift = 0; shift < 8; shift++) {
        votes[shift] += apart == size >> shift ? 1 : 0;
      }
    }
    for (int shift = 0; shift < 8; shift++) {
      if (votes[shift] >= 3) {
        return shift;
      }
    }
    return -1;
  }
}

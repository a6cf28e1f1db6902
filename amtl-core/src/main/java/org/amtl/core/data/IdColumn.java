package org.amtl.core.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A field's row ids as a cached block keeps them: in 1, 2 or 4 bytes each, the narrowest that holds the largest.
 * A field of fewer than 65,536 values costs half of an {@code int[]}, one of fewer than 256 a quarter; a cached
 * partition is mostly ids, and it stays in an executor's heap for the whole run.
 */
final class IdColumn {
  private final int width; // bytes per id: 1, 2 or 4; exactly one of the arrays below is set
  private final byte[] bytes;
  private final char[] chars;
  private final int[] ints;

  private IdColumn(int width, byte[] bytes, char[] chars, int[] ints) {
    this.width = width;
    this.bytes = bytes;
    this.chars = chars;
    this.ints = ints;
  }

  /** The first n of {@code ids} (negative ids are kept as they are, in 4 bytes, for the batch's check to name). */
  static IdColumn of(int[] ids, int n) {
    int min = 0;
    int max = 0;
    for (int i = 0; i < n; i++) {
      min = Math.min(min, ids[i]);
      max = Math.max(max, ids[i]);
    }
    if (min < 0 || max > Character.MAX_VALUE) {
      return new IdColumn(4, null, null, java.util.Arrays.copyOf(ids, n));
    }
    if (max > 0xff) {
      char[] c = new char[n];
      for (int i = 0; i < n; i++) {
        c[i] = (char) ids[i];
      }
      return new IdColumn(2, null, c, null);
    }
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ids[i];
    }
    return new IdColumn(1, b, null, null);
  }

  int get(int i) {
    return switch (width) {
      case 1 -> bytes[i] & 0xff;
      case 2 -> chars[i];
      default -> ints[i];
    };
  }

  int length() {
    return width == 1 ? bytes.length : width == 2 ? chars.length : ints.length;
  }

  /** Bytes of the array. */
  long bytes() {
    return (long) width * length();
  }

  /** Every id as an int (for building another column). */
  int[] toInts() {
    int[] out = new int[length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = get(i);
    }
    return out;
  }

  /** Binary form: the width, the length, then each id in that width. */
  void write(DataOutputStream out) throws IOException {
    out.writeByte(width);
    out.writeInt(length());
    switch (width) {
      case 1 -> out.write(bytes);
      case 2 -> {
        for (char c : chars) {
          out.writeChar(c);
        }
      }
      default -> {
        for (int id : ints) {
          out.writeInt(id);
        }
      }
    }
  }

  static IdColumn read(DataInputStream in) throws IOException {
    int width = in.readByte();
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("id column of " + n + " ids (expected >= 0)");
    }
    switch (width) {
      case 1 -> {
        byte[] b = new byte[n];
        in.readFully(b);
        return new IdColumn(1, b, null, null);
      }
      case 2 -> {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
          c[i] = in.readChar();
        }
        return new IdColumn(2, null, c, null);
      }
      case 4 -> {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = in.readInt();
        }
        return new IdColumn(4, null, null, v);
      }
      default -> throw new IOException("id column of width " + width + " (expected 1, 2 or 4 bytes)");
    }
  }
}

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

  /**
   * Ids appended one at a time into the narrowest width that holds every id so far: a field's ids never pass
   * through an {@code int[]} unless one of them needs 4 bytes (a negative id, kept for the batch's check to name,
   * or one above 65,535).
   */
  static final class Appender {
    private int width = 1;
    private byte[] bytes;
    private char[] chars;
    private int[] ints;
    private int size;

    Appender(int capacity) {
      bytes = new byte[Math.max(16, capacity)];
    }

    int size() {
      return size;
    }

    void add(int id) {
      if (width == 1 && (id < 0 || id > 0xff)) {
        widen(id < 0 || id > Character.MAX_VALUE ? 4 : 2);
      } else if (width == 2 && (id < 0 || id > Character.MAX_VALUE)) {
        widen(4);
      }
      if (size == capacity()) {
        grow();
      }
      switch (width) {
        case 1 -> bytes[size] = (byte) id;
        case 2 -> chars[size] = (char) id;
        default -> ints[size] = id;
      }
      size++;
    }

    private int capacity() {
      return width == 1 ? bytes.length : width == 2 ? chars.length : ints.length;
    }

    private void grow() {
      int n = Math.max(16, 2 * capacity());
      switch (width) {
        case 1 -> bytes = java.util.Arrays.copyOf(bytes, n);
        case 2 -> chars = java.util.Arrays.copyOf(chars, n);
        default -> ints = java.util.Arrays.copyOf(ints, n);
      }
    }

    private void widen(int to) {
      IdColumn so = new IdColumn(width, bytes, chars, ints);
      if (to == 2) {
        chars = new char[capacity()];
        for (int i = 0; i < size; i++) {
          chars[i] = (char) so.get(i);
        }
      } else {
        ints = new int[capacity()];
        for (int i = 0; i < size; i++) {
          ints[i] = so.get(i);
        }
      }
      bytes = null;
      if (to == 4) {
        chars = null;
      }
      width = to;
    }

    /** The column, trimmed to the ids appended. */
    IdColumn build() {
      return switch (width) {
        case 1 -> new IdColumn(1, java.util.Arrays.copyOf(bytes, size), null, null);
        case 2 -> new IdColumn(2, null, java.util.Arrays.copyOf(chars, size), null);
        default -> new IdColumn(4, null, null, java.util.Arrays.copyOf(ints, size));
      };
    }
  }
}

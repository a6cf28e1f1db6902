package org.amtl.core.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Many encoded examples in column layout, as a Spark partition caches them: the labels in one array (a byte each:
 * they are 0 or 1) and, per field, every row's ids in one {@link IdColumn} (1, 2 or 4 bytes an id, the narrowest
 * that holds the field's largest). A field where every row has exactly one id (a plain value column) keeps no
 * offsets, so a row costs at most 4 bytes per field plus its label byte, instead of an object and an array per
 * field as a list of {@link Example}s would. List fields keep offsets (field f's ids at
 * {@code offsets[f][r] .. offsets[f][r+1]} are row r's ids). Empty bags are stored as the OOV row, as
 * {@link Batch} would store them.
 */
public final class ExampleBlock {
  private final byte[] labels; // 0 or 1
  private final IdColumn[] ids;
  private final int[][] offsets; // null for a field with one id per row

  private ExampleBlock(byte[] labels, IdColumn[] ids, int[][] offsets) {
    this.labels = labels;
    this.ids = ids;
    this.offsets = offsets;
  }

  /** The examples of {@code examples}, in order. */
  public static ExampleBlock of(List<Example> examples, int fields) {
    Builder b = new Builder(fields);
    for (Example e : examples) {
      if (e.ids().length != fields) {
        throw new IllegalArgumentException("example " + b.size() + " has " + e.ids().length + " fields (expected "
            + fields + ")");
      }
      for (int f = 0; f < fields; f++) {
        for (int id : e.ids()[f]) {
          b.id(f, id);
        }
      }
      b.endRow(e.label());
    }
    return b.build();
  }

  public int size() {
    return labels.length;
  }

  public int numFields() {
    return ids.length;
  }

  public float label(int row) {
    return labels[row];
  }

  /** Row r as an example (for tests and tools; training reads the columns through {@link #batch}). */
  public Example example(int row) {
    int[][] bags = new int[ids.length][];
    for (int f = 0; f < ids.length; f++) {
      if (offsets[f] == null) {
        bags[f] = new int[] {ids[f].get(row)};
      } else {
        int from = offsets[f][row];
        bags[f] = new int[offsets[f][row + 1] - from];
        for (int k = 0; k < bags[f].length; k++) {
          bags[f][k] = ids[f].get(from + k);
        }
      }
    }
    return new Example(labels[row], bags);
  }

  /** The rows {@code rows[from..to)} as a minibatch; every id is checked against the field's row count. */
  public Batch batch(int[] rows, int from, int to, int[] rowsPerField) {
    int n = to - from;
    int fields = ids.length;
    if (rowsPerField.length != fields) {
      throw new IllegalArgumentException("block has " + fields + " fields, the model " + rowsPerField.length);
    }
    float[] batchLabels = new float[n];
    for (int i = 0; i < n; i++) {
      batchLabels[i] = labels[rows[from + i]];
    }
    int[][] batchOffsets = new int[fields][];
    int[][] batchIds = new int[fields][];
    for (int f = 0; f < fields; f++) {
      int[] off = new int[n + 1];
      int[] out;
      if (offsets[f] == null) {
        out = new int[n];
        for (int i = 0; i < n; i++) {
          out[i] = checked(ids[f].get(rows[from + i]), f, rows[from + i], rowsPerField[f]);
          off[i + 1] = i + 1;
        }
      } else {
        int total = 0;
        for (int i = 0; i < n; i++) {
          total += offsets[f][rows[from + i] + 1] - offsets[f][rows[from + i]];
        }
        out = new int[total];
        int pos = 0;
        for (int i = 0; i < n; i++) {
          int r = rows[from + i];
          for (int k = offsets[f][r]; k < offsets[f][r + 1]; k++) {
            out[pos++] = checked(ids[f].get(k), f, r, rowsPerField[f]);
          }
          off[i + 1] = pos;
        }
      }
      batchOffsets[f] = off;
      batchIds[f] = out;
    }
    return new Batch(n, batchLabels, batchOffsets, batchIds);
  }

  private static int checked(int id, int field, int row, int rows) {
    if (id < 0 || id >= rows) {
      throw new IllegalArgumentException("example " + row + ", field " + field + ": row id = " + id + " (expected 0.."
          + (rows - 1) + ")");
    }
    return id;
  }

  /**
   * The rows of each field this block's examples touch, ascending, the OOV row first: the slice of the model that
   * training on this block needs ({@link Vocabulary#slice}).
   */
  public int[][] touchedRows() {
    return touchedRows(0, labels.length);
  }

  /** {@link #touchedRows} of the examples {@code from..to-1} alone (a round's slice of the block). */
  public int[][] touchedRows(int from, int to) {
    int[][] out = new int[ids.length][];
    for (int f = 0; f < ids.length; f++) {
      int start = offsets[f] == null ? from : offsets[f][from];
      int end = offsets[f] == null ? to : offsets[f][to];
      int[] all = new int[end - start + 1]; // all[0] stays the OOV row
      for (int k = start; k < end; k++) {
        all[k - start + 1] = ids[f].get(k);
      }
      Arrays.sort(all);
      int distinct = 0;
      for (int k = 0; k < all.length; k++) {
        if (k == 0 || all[k] != all[distinct - 1]) {
          all[distinct++] = all[k];
        }
      }
      out[f] = Arrays.copyOf(all, distinct);
    }
    return out;
  }

  /**
   * This block with every id replaced by its index in {@code rows[f]} (ascending, holding every id of the field, as
   * {@link #touchedRows} gives them): the ids of a model over that slice.
   */
  public ExampleBlock withRowsOf(int[][] rows) {
    if (rows.length != ids.length) {
      throw new IllegalArgumentException("rows of " + rows.length + " fields for a block of " + ids.length);
    }
    IdColumn[] mapped = new IdColumn[ids.length];
    for (int f = 0; f < ids.length; f++) {
      int n = ids[f].length();
      IdColumn.Appender out = new IdColumn.Appender(n);
      for (int k = 0; k < n; k++) {
        int row = Arrays.binarySearch(rows[f], ids[f].get(k));
        if (row < 0) {
          throw new IllegalArgumentException("field " + f + ": row id " + ids[f].get(k) + " is not in the slice");
        }
        out.add(row);
      }
      mapped[f] = out.build();
    }
    return new ExampleBlock(labels, mapped, offsets);
  }

  /** The same rows in another order: row i of the result is row {@code order[i]} (a permutation of the rows). */
  public ExampleBlock permuted(int[] order) {
    if (order.length != labels.length) {
      throw new IllegalArgumentException("order of " + order.length + " rows for a block of " + labels.length);
    }
    return selected(order);
  }

  /** Some rows in a given order: row i of the result is row {@code order[i]} (a round's slice, in its order). */
  public ExampleBlock selected(int[] order) {
    byte[] outLabels = new byte[order.length];
    for (int i = 0; i < order.length; i++) {
      outLabels[i] = labels[order[i]];
    }
    IdColumn[] outIds = new IdColumn[ids.length];
    int[][] outOffsets = new int[ids.length][];
    for (int f = 0; f < ids.length; f++) {
      IdColumn.Appender out = new IdColumn.Appender(ids[f].length());
      if (offsets[f] == null) {
        for (int i = 0; i < order.length; i++) {
          out.add(ids[f].get(order[i]));
        }
      } else {
        int[] off = new int[order.length + 1];
        for (int i = 0; i < order.length; i++) {
          for (int k = offsets[f][order[i]]; k < offsets[f][order[i] + 1]; k++) {
            out.add(ids[f].get(k));
          }
          off[i + 1] = out.size();
        }
        outOffsets[f] = off;
      }
      outIds[f] = out.build();
    }
    return new ExampleBlock(outLabels, outIds, outOffsets);
  }

  /** Orders rows by label, then field by field by their ids (a bag: element-wise, then the shorter first). */
  public int compareRows(int a, int b) {
    int c = Byte.compare(labels[a], labels[b]);
    for (int f = 0; f < ids.length && c == 0; f++) {
      if (offsets[f] == null) {
        c = Integer.compare(ids[f].get(a), ids[f].get(b));
      } else {
        c = compareBags(ids[f], offsets[f][a], offsets[f][a + 1], offsets[f][b], offsets[f][b + 1]);
      }
    }
    return c;
  }

  // ids[aFrom..aTo) against ids[bFrom..bTo): element-wise, then the shorter first
  private static int compareBags(IdColumn ids, int aFrom, int aTo, int bFrom, int bTo) {
    for (int i = 0; aFrom + i < aTo && bFrom + i < bTo; i++) {
      int c = Integer.compare(ids.get(aFrom + i), ids.get(bFrom + i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(aTo - aFrom, bTo - bFrom);
  }

  /** Bytes held by the arrays (what a cached partition costs, object headers aside). */
  public long bytes() {
    long b = labels.length;
    for (int f = 0; f < ids.length; f++) {
      b += ids[f].bytes() + (offsets[f] == null ? 0 : 4L * offsets[f].length);
    }
    return b;
  }

  /**
   * Binary form: row and field counts, the labels (a byte each), then per field an offsets flag, the offsets and
   * the id column.
   */
  public void write(DataOutputStream out) throws IOException {
    out.writeInt(labels.length);
    out.writeInt(ids.length);
    out.write(labels);
    for (int f = 0; f < ids.length; f++) {
      out.writeBoolean(offsets[f] != null);
      if (offsets[f] != null) {
        writeInts(out, offsets[f]);
      }
      ids[f].write(out);
    }
  }

  public static ExampleBlock read(DataInputStream in) throws IOException {
    byte[] labels = new byte[in.readInt()];
    int fields = in.readInt();
    in.readFully(labels);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw new IOException("example block row " + i + ": label byte " + labels[i] + " (expected 0 or 1)");
      }
    }
    IdColumn[] ids = new IdColumn[fields];
    int[][] offsets = new int[fields][];
    for (int f = 0; f < fields; f++) {
      offsets[f] = in.readBoolean() ? readInts(in) : null;
      ids[f] = IdColumn.read(in);
    }
    return new ExampleBlock(labels, ids, offsets);
  }

  private static void writeInts(DataOutputStream out, int[] v) throws IOException {
    out.writeInt(v.length);
    for (int x : v) {
      out.writeInt(x);
    }
  }

  private static int[] readInts(DataInputStream in) throws IOException {
    int[] v = new int[in.readInt()];
    for (int i = 0; i < v.length; i++) {
      v[i] = in.readInt();
    }
    return v;
  }

  /** Appends rows: a row's ids field by field with {@link #id}, then {@link #endRow} with its label. */
  public static final class Builder {
    private byte[] labels = new byte[1024];
    private final IdColumn.Appender[] ids;
    private final int[][] offsets; // stays null for a field while every row so far had exactly one id
    private int rows;

    public Builder(int fields) {
      ids = new IdColumn.Appender[fields];
      Arrays.setAll(ids, f -> new IdColumn.Appender(1024));
      offsets = new int[fields][];
    }

    public int size() {
      return rows;
    }

    /** Adds one id to the current row's bag in field f. */
    public void id(int f, int id) {
      ids[f].add(id);
    }

    /** Ends the current row: a field given no id gets the OOV row; the label must be 0 or 1. */
    public void endRow(float label) {
      if (!(label == 0f || label == 1f)) {
        throw new IllegalArgumentException("row " + rows + ": label = " + label + " (expected 0 or 1)");
      }
      if (rows == labels.length) {
        labels = Arrays.copyOf(labels, labels.length * 2);
      }
      labels[rows] = (byte) label;
      for (int f = 0; f < ids.length; f++) {
        int start = offsets[f] == null ? rows : offsets[f][rows];
        if (ids[f].size() == start) {
          id(f, FieldVocabulary.OOV);
        }
        if (offsets[f] == null && ids[f].size() != rows + 1) { // the first row with a bag: offsets from here on
          offsets[f] = new int[labels.length + 1];
          for (int r = 0; r <= rows; r++) {
            offsets[f][r] = r;
          }
        }
        if (offsets[f] != null) {
          if (offsets[f].length < labels.length + 1) {
            offsets[f] = Arrays.copyOf(offsets[f], labels.length + 1);
          }
          offsets[f][rows + 1] = ids[f].size();
        }
      }
      rows++;
    }

    /** The block, trimmed to its rows; the builder lets go of its buffers and takes no more rows. */
    public ExampleBlock build() {
      IdColumn[] outIds = new IdColumn[ids.length];
      int[][] outOffsets = new int[ids.length][];
      for (int f = 0; f < ids.length; f++) {
        outIds[f] = ids[f].build();
        ids[f] = null; // let each field's buffer go as soon as its column is built
        outOffsets[f] = offsets[f] == null ? null : Arrays.copyOf(offsets[f], rows + 1);
      }
      return new ExampleBlock(Arrays.copyOf(labels, rows), outIds, outOffsets);
    }
  }
}

package org.amtl.core.data;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The vocabularies of all fields, in field order. Binary form: int fields, then per field: UTF name, int n,
 * n length-prefixed UTF-8 values (row order), (n + 1) longs of counts. A vocabulary of counts only
 * ({@link #countsOnly()}) writes {@code -1 - n} for n and no values.
 */
public final class Vocabulary {
  private final List<FieldVocabulary> fields;

  public Vocabulary(List<FieldVocabulary> fields) {
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("vocabulary has 0 fields (expected at least 1)");
    }
    this.fields = List.copyOf(fields);
  }

  public int numFields() {
    return fields.size();
  }

  public FieldVocabulary field(int f) {
    return fields.get(f);
  }

  public List<FieldVocabulary> fields() {
    return fields;
  }

  /** Index of the field called {@code name}, or an error naming it. */
  public int fieldIndex(String name) {
    for (int f = 0; f < fields.size(); f++) {
      if (fields.get(f).name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown field '" + name + "'");
  }

  /**
   * The same fields and counts without the values: all a training worker needs (the model's table sizes and
   * frequency features), without the strings and their index, often the larger part.
   */
  public Vocabulary countsOnly() {
    return new Vocabulary(fields.stream().map(FieldVocabulary::countsOnly).toList());
  }

  /**
   * Slices of every field ({@link FieldVocabulary#slice}): field f keeps rows {@code globalIds[f]}, ascending and
   * starting with OOV. A model built on it trains those rows alone, as the whole model would.
   */
  public Vocabulary slice(int[][] globalIds) {
    if (globalIds.length != fields.size()) {
      throw new IllegalArgumentException("slice of " + globalIds.length + " fields (expected " + fields.size() + ")");
    }
    List<FieldVocabulary> sliced = new ArrayList<>(fields.size());
    for (int f = 0; f < fields.size(); f++) {
      sliced.add(fields.get(f).slice(globalIds[f]));
    }
    return new Vocabulary(sliced);
  }

  /** Writes the fields' values (if held) and counts; a slice is built where it is used, never written. */
  public void write(DataOutput out) throws IOException {
    out.writeInt(fields.size());
    for (FieldVocabulary fv : fields) {
      if (fv.isSlice()) {
        throw new IllegalStateException("field '" + fv.name() + "' is a slice: slices are not written");
      }
      out.writeUTF(fv.name());
      out.writeInt(fv.hasValues() ? fv.size() : -1 - fv.size());
      for (int id = 1; fv.hasValues() && id <= fv.size(); id++) {
        byte[] b = fv.value(id).getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
      }
      for (long c : fv.counts()) {
        out.writeLong(c);
      }
    }
  }

  public static Vocabulary read(DataInput in) throws IOException {
    int fields = in.readInt();
    List<FieldVocabulary> fvs = new ArrayList<>(Math.max(0, fields));
    for (int f = 0; f < fields; f++) {
      String name = in.readUTF();
      int n = in.readInt();
      boolean countsOnly = n < 0;
      n = countsOnly ? -1 - n : n;
      String[] values = countsOnly ? null : new String[n];
      for (int i = 0; !countsOnly && i < n; i++) {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        values[i] = new String(b, StandardCharsets.UTF_8);
      }
      long[] counts = new long[n + 1];
      for (int i = 0; i <= n; i++) {
        counts[i] = in.readLong();
      }
      fvs.add(FieldVocabulary.ofRows(name, values, counts));
    }
    return new Vocabulary(fvs);
  }
}

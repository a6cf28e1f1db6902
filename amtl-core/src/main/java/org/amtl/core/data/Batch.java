package org.amtl.core.data;

import java.util.List;

/**
 * A minibatch in column layout: labels, and per field the concatenated bags with offsets
 * ({@code ids[f][offsets[f][b] .. offsets[f][b+1])} are example b's ids in field f).
 */
public final class Batch {
  private final int size;
  private final float[] labels;
  private final int[][] offsets;
  private final int[][] ids;

  Batch(int size, float[] labels, int[][] offsets, int[][] ids) {
    this.size = size;
    this.labels = labels;
    this.offsets = offsets;
    this.ids = ids;
  }

  /** Packs examples; every id is checked against the field's row count. */
  public static Batch of(List<Example> examples, int[] rowsPerField) {
    int b = examples.size();
    int fields = rowsPerField.length;
    float[] labels = new float[b];
    int[][] offsets = new int[fields][b + 1];
    int[][] ids = new int[fields][];
    for (int f = 0; f < fields; f++) {
      int total = 0;
      for (int i = 0; i < b; i++) {
        int[][] exIds = examples.get(i).ids();
        if (exIds.length != fields) {
          throw new IllegalArgumentException(
              "example " + i + " has " + exIds.length + " fields (expected " + fields + ")");
        }
        total += Math.max(1, exIds[f].length);
      }
      int[] flat = new int[total];
      int pos = 0;
      for (int i = 0; i < b; i++) {
        int[] bag = examples.get(i).ids()[f];
        if (bag.length == 0) {
          flat[pos++] = FieldVocabulary.OOV;
        }
        for (int id : bag) {
          if (id < 0 || id >= rowsPerField[f]) {
            throw new IllegalArgumentException("example " + i + ", field " + f + ": row id = " + id
                + " (expected 0.." + (rowsPerField[f] - 1) + ")");
          }
          flat[pos++] = id;
        }
        offsets[f][i + 1] = pos;
      }
      ids[f] = flat;
    }
    for (int i = 0; i < b; i++) {
      labels[i] = examples.get(i).label();
    }
    return new Batch(b, labels, offsets, ids);
  }

  public int size() {
    return size;
  }

  public int numFields() {
    return ids.length;
  }

  public float label(int i) {
    return labels[i];
  }

  public float[] labels() {
    return labels;
  }

  /** Bag offsets of field f (length size + 1). */
  public int[] offsets(int f) {
    return offsets[f];
  }

  /** Concatenated ids of field f. */
  public int[] ids(int f) {
    return ids[f];
  }
}

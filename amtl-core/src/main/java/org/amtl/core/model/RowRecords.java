package org.amtl.core.model;

import java.util.ArrayList;
import java.util.List;
import org.amtl.core.layers.EmbeddingTable;

/**
 * A field's rows as the flat records a shard of the tables keeps: per row, for each of the field's tables (its
 * embedding tables, then its first-order weight table under DeepFM and Wide&amp;Deep), the row's values then its
 * Adagrad accumulators. A model over a slice of the rows is filled from such records (a pull) and gives back those of
 * its rows it changed (a push), with a mask of the tables that changed them; {@link #mean} combines the copies of a
 * row with {@link ModelState#average}'s arithmetic, so a round through records ends at the same bits.
 */
public final class RowRecords {
  private RowRecords() {}

  /** The field's tables in record order. */
  public static List<EmbeddingTable> tables(CtrModel model, int field) {
    List<EmbeddingTable> tables = new ArrayList<>(model.embedding(field).tables());
    if (!model.wideTables().isEmpty()) {
      tables.add(model.wideTables().get(field));
    }
    return tables;
  }

  /** Each table's width, in record order. */
  public static int[] widths(CtrModel model, int field) {
    return tables(model, field).stream().mapToInt(EmbeddingTable::width).toArray();
  }

  /** Floats in one record of {@code widths}: values and accumulators of every table. */
  public static int length(int[] widths) {
    int n = 0;
    for (int w : widths) {
      n += 2 * w;
    }
    return n;
  }

  /** Row {@code row} of the field as a record. */
  public static float[] read(CtrModel model, int field, int row) {
    List<EmbeddingTable> tables = tables(model, field);
    float[] out = new float[length(widths(model, field))];
    int o = 0;
    for (EmbeddingTable t : tables) {
      int w = t.width();
      System.arraycopy(t.values(), row * w, out, o, w);
      System.arraycopy(t.accumulators(), row * w, out, o + w, w);
      o += 2 * w;
    }
    return out;
  }

  /** Sets row {@code row} of the field from a record. */
  public static void write(CtrModel model, int field, int row, float[] record) {
    int o = 0;
    for (EmbeddingTable t : tables(model, field)) {
      int w = t.width();
      System.arraycopy(record, o, t.values(), row * w, w);
      System.arraycopy(record, o + w, t.accumulators(), row * w, w);
      o += 2 * w;
    }
  }

  /** Bit t set when table t of the field changed row {@code row} since the model's touched rows were cleared. */
  public static int touchedMask(CtrModel model, int field, int row) {
    int mask = 0;
    List<EmbeddingTable> tables = tables(model, field);
    for (int t = 0; t < tables.size(); t++) {
      if (tables.get(t).touched().get(row)) {
        mask |= 1 << t;
      }
    }
    return mask;
  }

  /**
   * A row after a round: table by table, the mean over the copies whose mask names that table, summed in the
   * order given (partition order) in double and rounded once, as {@link ModelState#average}; a table no copy
   * changed keeps {@code current}'s values.
   */
  public static float[] mean(float[] current, List<float[]> copies, int[] masks, int[] widths) {
    float[] out = current.clone();
    int o = 0;
    for (int t = 0; t < widths.length; t++) {
      int span = 2 * widths[t];
      double[] sum = new double[span];
      int holders = 0;
      for (int k = 0; k < copies.size(); k++) {
        if ((masks[k] & (1 << t)) != 0) {
          holders++;
          float[] c = copies.get(k);
          for (int j = 0; j < span; j++) {
            sum[j] += c[o + j];
          }
        }
      }
      for (int j = 0; holders > 0 && j < span; j++) {
        out[o + j] = (float) (sum[j] / holders);
      }
      o += span;
    }
    return out;
  }
}

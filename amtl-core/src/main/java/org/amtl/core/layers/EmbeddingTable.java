package org.amtl.core.layers;

import java.util.Arrays;
import java.util.BitSet;
import java.util.function.IntUnaryOperator;
import org.amtl.core.util.IntSlotMap;
import org.amtl.core.util.Seeds;
import org.amtl.core.util.UniformStream;

/**
 * A (rows x width) embedding matrix with sparse row gradients and per-row Adagrad accumulators stored beside the
 * rows. Gradients exist only for the rows a batch touched; {@link #touched()} remembers every row changed since
 * the last {@link #clearTouched()}, which is what parameter averaging needs.
 */
public final class EmbeddingTable {
  private final String name;
  private final int rows;
  private final int width;
  private final float[] values;
  private float[] accumulators; // allocated when first used: a model that only predicts never needs them
  private final IntSlotMap gradSlots = new IntSlotMap(256);
  private float[] grads = new float[256];
  private final BitSet touched = new BitSet();

  /**
   * Rows start uniform in (-initScale, initScale) from a seed derived from the table's name: element i of the
   * row-major values is element i of a {@link UniformStream}, so any range of rows can be built alone.
   */
  public EmbeddingTable(String name, int rows, int width, double initScale, long seed) {
    this(name, rows, width, initScale, seed, null);
  }

  /**
   * Rows of a larger table: row r starts as row {@code globalRow.applyAsInt(r)} of the table of the same name would
   * (null: row r itself), so a table over a slice of the rows starts from the whole table's bits.
   */
  public EmbeddingTable(String name, int rows, int width, double initScale, long seed, IntUnaryOperator globalRow) {
    if (rows < 1 || width < 1) {
      throw new IllegalArgumentException("table '" + name + "': rows = " + rows + ", width = " + width
          + " (expected both >= 1)");
    }
    this.name = name;
    this.rows = rows;
    this.width = width;
    this.values = new float[Math.multiplyExact(rows, width)];
    UniformStream stream = new UniformStream(Seeds.derive(seed, name));
    if (globalRow == null) {
      stream.fillSymmetric(values, 0, 0, values.length, initScale);
    } else {
      for (int r = 0; r < rows; r++) {
        stream.fillSymmetric(values, r * width, (long) globalRow.applyAsInt(r) * width, width, initScale);
      }
    }
  }

  public String name() {
    return name;
  }

  public int rows() {
    return rows;
  }

  public int width() {
    return width;
  }

  /** The flat row-major values; row id starts at {@code id * width}. */
  public float[] values() {
    return values;
  }

  /** Adagrad accumulators, same layout as values. */
  public float[] accumulators() {
    if (accumulators == null) {
      accumulators = new float[values.length];
    }
    return accumulators;
  }

  /** Sets every accumulator to {@code value} (the configured Adagrad start). */
  public void fillAccumulators(float value) {
    Arrays.fill(accumulators(), value);
  }

  public void checkRow(int id) {
    if (id < 0 || id >= rows) {
      throw new IllegalArgumentException("table '" + name + "': row id = " + id + " (expected 0.." + (rows - 1) + ")");
    }
  }

  /** Offset in {@link #gradBuffer()} of row {@code id}'s gradient, creating a zero one if absent. */
  public int gradOffset(int id) {
    int before = gradSlots.size();
    int slot = gradSlots.slotOf(id);
    int off = slot * width;
    if (slot == before) {
      if (grads.length < off + width) {
        grads = Arrays.copyOf(grads, Math.max(grads.length * 2, off + width));
      }
      Arrays.fill(grads, off, off + width, 0f);
    }
    return off;
  }

  public float[] gradBuffer() {
    return grads;
  }

  /** Number of rows with a gradient in this step. */
  public int gradRows() {
    return gradSlots.size();
  }

  /** Row id of gradient slot {@code slot}. */
  public int gradRowId(int slot) {
    return gradSlots.keyAt(slot);
  }

  public void zeroGrad() {
    gradSlots.clear();
  }

  /** Records that row {@code id} changed (called by the optimizer). */
  public void markTouched(int id) {
    touched.set(id);
  }

  /** Rows changed since the last {@link #clearTouched()}. */
  public BitSet touched() {
    return (BitSet) touched.clone();
  }

  public void clearTouched() {
    touched.clear();
  }
}

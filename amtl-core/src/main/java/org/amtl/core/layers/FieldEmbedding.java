package org.amtl.core.layers;

import java.util.Arrays;
import java.util.List;
import org.amtl.core.util.IntSlotMap;

/**
 * The embedding of one field: maps each example's bag of row ids to one d-vector (mean pooling). Subclasses say
 * how a row id becomes a vector (a plain row, a masked row, a projected block row, a soft mix of candidates);
 * this class gathers a batch's unique ids, pools, and routes gradients back per unique id.
 */
public abstract class FieldEmbedding {
  protected final int dim;
  private final IntSlotMap unique = new IntSlotMap(1024);
  private int[] occurrenceSlot = new int[0];
  private int[] offsets;
  private int batch;
  private int[] uniqueIds = new int[0];
  private float[] occurrenceWeight = new float[0];
  private float[] vectors = new float[0];
  private float[] dvectors = new float[0];

  protected FieldEmbedding(int dim) {
    this.dim = dim;
  }

  /** Output width d. */
  public final int dim() {
    return dim;
  }

  // offsets: (B+1), ids: bag ids -> out[b * stride + col .. + d] = mean of the bag's vectors
  public final void forward(int[] offsets, int[] ids, int batch, float[] out, int col, int stride, boolean training) {
    this.offsets = offsets;
    this.batch = batch;
    unique.clear();
    int occurrences = offsets[batch];
    if (occurrenceSlot.length < occurrences) {
      occurrenceSlot = new int[occurrences];
    }
    for (int p = 0; p < occurrences; p++) {
      checkRow(ids[p]);
      occurrenceSlot[p] = unique.slotOf(ids[p]);
    }
    int n = unique.size();
    if (uniqueIds.length < n) {
      uniqueIds = new int[n];
      occurrenceWeight = new float[n];
    }
    Arrays.fill(occurrenceWeight, 0, n, 0f);
    for (int s = 0; s < n; s++) {
      uniqueIds[s] = unique.keyAt(s);
    }
    if (vectors.length < n * dim) {
      vectors = new float[n * dim];
      dvectors = new float[n * dim];
    }
    computeVectors(uniqueIds, n, vectors, training);
    for (int b = 0; b < batch; b++) {
      int o = b * stride + col;
      int len = offsets[b + 1] - offsets[b];
      if (len == 1) { // a single value, the common case: its vector as it is
        int slot = occurrenceSlot[offsets[b]];
        occurrenceWeight[slot] += 1f / batch;
        System.arraycopy(vectors, slot * dim, out, o, dim);
        continue;
      }
      Arrays.fill(out, o, o + dim, 0f);
      float scale = 1f / len;
      for (int p = offsets[b]; p < offsets[b + 1]; p++) {
        int v = occurrenceSlot[p] * dim;
        occurrenceWeight[occurrenceSlot[p]] += scale / batch;
        for (int j = 0; j < dim; j++) {
          out[o + j] += scale * vectors[v + j];
        }
      }
    }
  }

  // dout[b * stride + col .. + d] -> gradients of the vectors of the unique ids -> parameters
  public final void backward(float[] dout, int col, int stride) {
    int n = unique.size();
    Arrays.fill(dvectors, 0, n * dim, 0f);
    for (int b = 0; b < batch; b++) {
      int o = b * stride + col;
      float scale = 1f / (offsets[b + 1] - offsets[b]);
      for (int p = offsets[b]; p < offsets[b + 1]; p++) {
        int v = occurrenceSlot[p] * dim;
        for (int j = 0; j < dim; j++) {
          dvectors[v + j] += scale * dout[o + j];
        }
      }
    }
    backwardVectors(uniqueIds, n, dvectors);
  }

  /**
   * Each unique id's share of the batch's lookups (sum over its occurrences of 1 / (bag size * B)), for
   * per-lookup penalties that are averaged over the batch like the loss.
   */
  protected final float[] occurrenceWeights() {
    return occurrenceWeight;
  }

  /** Rejects a row id outside the field's vocabulary. */
  protected abstract void checkRow(int id);

  // ids: (n) -> vectors: (n, d)
  protected abstract void computeVectors(int[] ids, int n, float[] vectors, boolean training);

  // dvectors: (n, d) -> parameter gradients; may overwrite dvectors (it is refilled each backward)
  protected abstract void backwardVectors(int[] ids, int n, float[] dvectors);

  /** Per row, the number of dims it keeps after training (what the exported table stores). */
  public abstract int[] keptDims();

  /**
   * Where the stored vector of row {@code id} lives, given its kept dim (from {@link #keptDims()}): FBE and AMTL
   * the first keptDim entries of the row; MDE the row of its block; AutoEmb the row of its kept candidate. MDE
   * and AutoEmb vectors are projected to d by the dense projections that are exported with them.
   *
   * @param table the table that holds it
   * @param row its row in that table (the stored vector is the row's first {@code length} values)
   * @param length the stored vector's length, the kept dim
   */
  protected record StoredRow(EmbeddingTable table, int row, int length) {}

  /** The slot of row {@code id}'s stored vector, given its kept dim. */
  protected abstract StoredRow storedRow(int id, int keptDim);

  /** What a pruned table stores for row {@code id}, given its kept dim. */
  public final float[] storedVector(int id, int keptDim) {
    StoredRow r = storedRow(id, keptDim);
    int start = r.row() * r.table().width();
    return Arrays.copyOfRange(r.table().values(), start, start + r.length());
  }

  /**
   * Puts a stored vector back where {@link #storedVector} read it (the inverse, for a model loaded from a table);
   * the rest of that table row becomes zero, which inference masks or never reads.
   */
  public final void restoreStoredVector(int id, float[] stored) {
    StoredRow r = storedRow(id, stored.length);
    if (r.length() != stored.length) {
      throw new IllegalArgumentException("row " + id + ": a stored vector of " + stored.length + " floats (expected "
          + r.length() + ")");
    }
    int start = r.row() * r.table().width();
    Arrays.fill(r.table().values(), start, start + r.table().width(), 0f);
    System.arraycopy(stored, 0, r.table().values(), start, stored.length);
  }

  /** Number of rows (vocabulary plus OOV). */
  public abstract int rows();

  /** Embedding tables owned by this field (updated sparsely by Adagrad). */
  public abstract List<EmbeddingTable> tables();

  /** Floats a pruned table of this field stores: the sum of kept dims over rows. */
  public long storedFloats() {
    long s = 0;
    for (int k : keptDims()) {
      s += k;
    }
    return s;
  }
}

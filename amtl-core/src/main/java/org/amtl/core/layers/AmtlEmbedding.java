package org.amtl.core.layers;

import java.util.List;
import org.amtl.core.kernels.Gemm;

/** AMTL: a full (rows x d) table whose rows are multiplied by the field's {@link AmtlMask}: v_i = m_i * e_i. */
public final class AmtlEmbedding extends FieldEmbedding {
  private final EmbeddingTable table;
  private final AmtlMask mask;
  private float[] rows = new float[0]; // (n, d) the unique ids' table rows, gathered once per forward
  private float[] masks = new float[0];

  public AmtlEmbedding(EmbeddingTable table, AmtlMask mask) {
    super(table.width());
    this.table = table;
    this.mask = mask;
  }

  public AmtlMask mask() {
    return mask;
  }

  @Override
  protected void checkRow(int id) {
    table.checkRow(id);
  }

  // ids: (n) -> vectors: (n, d) = m_i * e_i
  @Override
  protected void computeVectors(int[] ids, int n, float[] vectors, boolean training) {
    if (masks.length < n * dim) {
      rows = new float[n * dim];
      masks = new float[n * dim];
    }
    mask.forward(ids, n, masks, training);
    float[] w = table.values();
    for (int s = 0; s < n; s++) {
      System.arraycopy(w, ids[s] * dim, rows, s * dim, dim);
    }
    for (int o = 0; o < n * dim; o++) {
      vectors[o] = masks[o] * rows[o];
    }
  }

  // dvectors: (n, d) -> dL/de = m * dv (rows), then dL/dm = e * dv (mask) written over dvectors; e from the
  // forward's gathered rows, since reading the table again would miss the cache once per row
  @Override
  protected void backwardVectors(int[] ids, int n, float[] dvectors) {
    Gemm gemm = Gemm.get();
    for (int s = 0; s < n; s++) {
      int o = table.gradOffset(ids[s]);
      gemm.addProducts(masks, s * dim, dvectors, s * dim, table.gradBuffer(), o, dim);
    }
    float[] dmasks = dvectors;
    for (int o = 0; o < n * dim; o++) {
      dmasks[o] = rows[o] * dvectors[o];
    }
    mask.backward(dmasks, occurrenceWeights());
  }

  @Override
  public int[] keptDims() {
    return mask.keptDims();
  }

  @Override
  protected StoredRow storedRow(int id, int keptDim) {
    return new StoredRow(table, id, keptDim);
  }

  @Override
  public int rows() {
    return table.rows();
  }

  @Override
  public List<EmbeddingTable> tables() {
    return List.of(table);
  }
}

package org.amtl.core.layers;

import java.util.List;

/** FBE: every row keeps all d dims; the vector is the row itself. Also the 1-dim weights of wide/linear parts. */
public final class FixedEmbedding extends FieldEmbedding {
  private final EmbeddingTable table;

  public FixedEmbedding(EmbeddingTable table) {
    super(table.width());
    this.table = table;
  }

  @Override
  protected void checkRow(int id) {
    table.checkRow(id);
  }

  // ids: (n) -> vectors: (n, d) = rows
  @Override
  protected void computeVectors(int[] ids, int n, float[] vectors, boolean training) {
    float[] w = table.values();
    for (int s = 0; s < n; s++) {
      System.arraycopy(w, ids[s] * dim, vectors, s * dim, dim);
    }
  }

  // dvectors: (n, d) -> row gradients
  @Override
  protected void backwardVectors(int[] ids, int n, float[] dvectors) {
    for (int s = 0; s < n; s++) {
      int o = table.gradOffset(ids[s]);
      float[] g = table.gradBuffer();
      for (int j = 0; j < dim; j++) {
        g[o + j] += dvectors[s * dim + j];
      }
    }
  }

  @Override
  public int[] keptDims() {
    int[] kept = new int[table.rows()];
    java.util.Arrays.fill(kept, dim);
    return kept;
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

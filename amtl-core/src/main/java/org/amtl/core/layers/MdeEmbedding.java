package org.amtl.core.layers;

import java.util.ArrayList;
import java.util.List;
import org.amtl.core.layers.DenseParams.Tensor;

/**
 * MDE (Ginart et al., 2019): the field's values, in rank order, are cut into equal blocks; block b stores rows of
 * dim d_b = round(d * (p_b / p_1)^alpha) (clipped to 1..d; p_b = the block's share of occurrences) and a learned
 * (d_b x d) projection: v_i = e_i P_b. Row 0 (OOV) belongs to the last block.
 */
public final class MdeEmbedding extends FieldEmbedding {
  private final int rows;
  private final int[] blockOf; // per row id
  private final int[] localRow; // per row id
  private final int[] blockDims;
  private final List<EmbeddingTable> tables = new ArrayList<>();
  private final Tensor[] projections;
  private final DenseParams params;
  private float[] rowsCache = new float[0]; // (n, d) gathered rows, zero-padded to d

  /** counts[id] per row id (rank order for ids >= 1). */
  public MdeEmbedding(DenseParams params, String name, long[] counts, int dim, int blocks, double alpha,
      double initScale, long seed) {
    super(dim);
    this.params = params;
    this.rows = counts.length;
    int n = rows - 1;
    int numBlocks = Math.max(1, Math.min(blocks, n));
    int[] start = new int[numBlocks + 1];
    for (int b = 0; b <= numBlocks; b++) {
      start[b] = 1 + (int) ((long) b * n / numBlocks);
    }
    double[] share = new double[numBlocks];
    for (int b = 0; b < numBlocks; b++) {
      for (int id = start[b]; id < start[b + 1]; id++) {
        share[b] += counts[id];
      }
    }
    blockDims = blockDims(share, dim, alpha);
    blockOf = new int[rows];
    localRow = new int[rows];
    int[] size = new int[numBlocks];
    for (int b = 0; b < numBlocks; b++) {
      for (int id = start[b]; id < start[b + 1]; id++) {
        blockOf[id] = b;
        localRow[id] = size[b]++;
      }
    }
    blockOf[0] = numBlocks - 1;
    localRow[0] = size[numBlocks - 1]++;
    projections = new Tensor[numBlocks];
    for (int b = 0; b < numBlocks; b++) {
      tables.add(new EmbeddingTable(name + ".block" + b, size[b], blockDims[b], initScale, seed));
      projections[b] = params.allocate(name + ".proj" + b, blockDims[b], dim,
          Math.sqrt(6.0 / (blockDims[b] + dim)));
    }
  }

  /** d_b = round(d * (p_b / p_1)^alpha), clipped to 1..d; an empty first block gives every block d. */
  static int[] blockDims(double[] share, int dim, double alpha) {
    int[] dims = new int[share.length];
    for (int b = 0; b < share.length; b++) {
      double ratio = share[0] > 0 ? share[b] / share[0] : 1.0;
      long db = Math.round(dim * Math.pow(ratio, alpha));
      dims[b] = (int) Math.max(1, Math.min(dim, db));
    }
    return dims;
  }

  public int[] blockDims() {
    return blockDims.clone();
  }

  @Override
  protected void checkRow(int id) {
    if (id < 0 || id >= rows) {
      throw new IllegalArgumentException("MDE field: row id = " + id + " (expected 0.." + (rows - 1) + ")");
    }
  }

  // ids: (n) -> vectors: (n, d) = e_i P_b(i)
  @Override
  protected void computeVectors(int[] ids, int n, float[] vectors, boolean training) {
    if (rowsCache.length < n * dim) {
      rowsCache = new float[n * dim];
    }
    float[] p = params.values();
    for (int s = 0; s < n; s++) {
      int b = blockOf[ids[s]];
      int db = blockDims[b];
      EmbeddingTable t = tables.get(b);
      System.arraycopy(t.values(), localRow[ids[s]] * db, rowsCache, s * dim, db);
      int po = projections[b].offset();
      int vo = s * dim;
      java.util.Arrays.fill(vectors, vo, vo + dim, 0f);
      for (int k = 0; k < db; k++) {
        float e = rowsCache[s * dim + k];
        for (int j = 0; j < dim; j++) {
          vectors[vo + j] += e * p[po + k * dim + j];
        }
      }
    }
  }

  // dvectors: (n, d) -> dP_b += e^T dv, de = dv P_b^T
  @Override
  protected void backwardVectors(int[] ids, int n, float[] dvectors) {
    float[] p = params.values();
    float[] gp = params.grads();
    for (int s = 0; s < n; s++) {
      int b = blockOf[ids[s]];
      int db = blockDims[b];
      EmbeddingTable t = tables.get(b);
      int go = t.gradOffset(localRow[ids[s]]);
      float[] g = t.gradBuffer();
      int po = projections[b].offset();
      for (int k = 0; k < db; k++) {
        float e = rowsCache[s * dim + k];
        float de = 0f;
        for (int j = 0; j < dim; j++) {
          float dv = dvectors[s * dim + j];
          gp[po + k * dim + j] += e * dv;
          de += dv * p[po + k * dim + j];
        }
        g[go + k] += de;
      }
    }
  }

  @Override
  public int[] keptDims() {
    int[] kept = new int[rows];
    for (int id = 0; id < rows; id++) {
      kept[id] = blockDims[blockOf[id]];
    }
    return kept;
  }

  @Override
  protected StoredRow storedRow(int id, int keptDim) {
    EmbeddingTable t = tables.get(blockOf[id]);
    return new StoredRow(t, localRow[id], t.width());
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public List<EmbeddingTable> tables() {
    return tables;
  }
}

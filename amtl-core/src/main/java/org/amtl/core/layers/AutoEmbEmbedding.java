package org.amtl.core.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.amtl.core.data.FrequencyFeatures;
import org.amtl.core.kernels.Softmax;
import org.amtl.core.layers.DenseParams.Tensor;

/**
 * AutoEmb (Zhao et al., 2020): every row has one embedding per candidate dim d_c, each projected to d by a learned
 * (d_c x d) matrix; a controller MLP on the frequency features gives softmax weights w over the candidates.
 * Training uses the soft mix v_i = sum_c w_c e_ic P_c; inference (and the stored table) keeps only the argmax
 * candidate.
 */
public final class AutoEmbEmbedding extends FieldEmbedding {
  private final int[] candidates;
  private final List<EmbeddingTable> tables = new ArrayList<>();
  private final Tensor[] projections;
  private final DenseParams params;
  private final FrequencyFeatures features;
  private final Mlp controller;
  private final int numCandidates;

  private int n;
  private boolean soft;
  private float[] s = new float[0]; // (n, S)
  private float[] weights = new float[0]; // (n, C)
  private float[] projected = new float[0]; // (n, C, d): e_ic P_c
  private float[] dlogits = new float[0]; // (n, C)

  /** Candidate dims must be ascending, in 1..d. */
  public AutoEmbEmbedding(DenseParams params, String name, FrequencyFeatures features, int[] candidates, int dim,
      int hidden, double initScale, long seed) {
    super(dim);
    this.params = params;
    this.features = features;
    this.candidates = candidates.clone();
    this.numCandidates = candidates.length;
    this.projections = new Tensor[numCandidates];
    for (int c = 0; c < numCandidates; c++) {
      int dc = candidates[c];
      if (dc < 1 || dc > dim || (c > 0 && dc <= candidates[c - 1])) {
        throw new IllegalArgumentException("AutoEmb candidates = " + Arrays.toString(candidates)
            + " (expected ascending dims in 1.." + dim + ")");
      }
      tables.add(new EmbeddingTable(name + ".cand" + dc, features.rows(), dc, initScale, seed));
      projections[c] = params.allocate(name + ".proj" + dc, dc, dim, Math.sqrt(6.0 / (dc + dim)));
    }
    this.controller = new Mlp(params, name + ".controller", features.width(), hidden, numCandidates);
  }

  public Mlp controller() {
    return controller;
  }

  @Override
  protected void checkRow(int id) {
    tables.get(0).checkRow(id);
  }

  // ids: (n) -> vectors: (n, d) = sum_c w_c e_ic P_c (training) or e_ic* P_c* (inference)
  @Override
  protected void computeVectors(int[] ids, int n, float[] vectors, boolean training) {
    this.n = n;
    this.soft = training;
    int sw = features.width();
    int nc = numCandidates;
    if (s.length < n * sw) {
      s = new float[n * sw];
    }
    if (weights.length < n * nc) {
      weights = new float[n * nc];
      dlogits = new float[n * nc];
      projected = new float[n * nc * dim];
    }
    for (int i = 0; i < n; i++) {
      features.copyTo(ids[i], s, i * sw);
    }
    float[] logits = controller.forward(s, n);
    float[] p = params.values();
    for (int i = 0; i < n; i++) {
      Softmax.row(logits, i * nc, nc, 1f, weights);
      if (!training) {
        int best = AmtlMask.argmax(weights, i * nc, nc);
        for (int c = 0; c < nc; c++) {
          weights[i * nc + c] = c == best ? 1f : 0f;
        }
      }
      int vo = i * dim;
      Arrays.fill(vectors, vo, vo + dim, 0f);
      for (int c = 0; c < nc; c++) {
        int dc = candidates[c];
        float[] e = tables.get(c).values();
        int eo = ids[i] * dc;
        int po = projections[c].offset();
        int qo = (i * nc + c) * dim;
        Arrays.fill(projected, qo, qo + dim, 0f);
        for (int k = 0; k < dc; k++) {
          float ek = e[eo + k];
          for (int j = 0; j < dim; j++) {
            projected[qo + j] += ek * p[po + k * dim + j];
          }
        }
        float w = weights[i * nc + c];
        for (int j = 0; j < dim; j++) {
          vectors[vo + j] += w * projected[qo + j];
        }
      }
    }
  }

  // dvectors: (n, d) -> rows, projections and (soft mode) the controller
  @Override
  protected void backwardVectors(int[] ids, int n, float[] dvectors) {
    int nc = numCandidates;
    float[] p = params.values();
    float[] gp = params.grads();
    for (int i = 0; i < n; i++) {
      int vo = i * dim;
      float dot = 0f;
      for (int c = 0; c < nc; c++) {
        int qo = (i * nc + c) * dim;
        float dw = 0f;
        for (int j = 0; j < dim; j++) {
          dw += dvectors[vo + j] * projected[qo + j];
        }
        dlogits[i * nc + c] = dw;
        dot += dw * weights[i * nc + c];
        float w = weights[i * nc + c];
        if (w == 0f) {
          continue;
        }
        int dc = candidates[c];
        EmbeddingTable t = tables.get(c);
        float[] e = t.values();
        int eo = ids[i] * dc;
        int go = t.gradOffset(ids[i]);
        float[] g = t.gradBuffer();
        int po = projections[c].offset();
        for (int k = 0; k < dc; k++) {
          float ek = e[eo + k];
          float de = 0f;
          for (int j = 0; j < dim; j++) {
            float du = w * dvectors[vo + j];
            gp[po + k * dim + j] += ek * du;
            de += du * p[po + k * dim + j];
          }
          g[go + k] += de;
        }
      }
      for (int c = 0; c < nc; c++) {
        int o = i * nc + c;
        dlogits[o] = soft ? weights[o] * (dlogits[o] - dot) : 0f;
      }
    }
    if (soft) {
      controller.backward(dlogits, false);
    }
  }

  @Override
  public int[] keptDims() {
    int rows = features.rows();
    int[] kept = new int[rows];
    int sw = features.width();
    float[] one = new float[sw];
    for (int id = 0; id < rows; id++) {
      features.copyTo(id, one, 0);
      float[] logits = controller.forward(one, 1);
      kept[id] = candidates[AmtlMask.argmax(logits, 0, numCandidates)];
    }
    return kept;
  }

  @Override
  protected StoredRow storedRow(int id, int keptDim) {
    int c = Arrays.binarySearch(candidates, keptDim);
    if (c < 0) {
      throw new IllegalArgumentException("kept dim = " + keptDim + " (expected one of " + Arrays.toString(candidates)
          + ")");
    }
    return new StoredRow(tables.get(c), id, keptDim);
  }

  @Override
  public int rows() {
    return features.rows();
  }

  @Override
  public List<EmbeddingTable> tables() {
    return tables;
  }
}

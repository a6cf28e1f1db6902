package org.amtl.core.layers;

/**
 * Factorization-machine second-order term over F field vectors of width d:
 * y_b = 1/2 * sum_j [ (sum_f v_bfj)^2 - sum_f v_bfj^2 ] = sum_{f < g} <v_bf, v_bg>.
 */
public final class FmInteraction {
  private final int fields;
  private final int dim;
  private float[] x;
  private int batch;
  private float[] sums = new float[0]; // (B, d): sum over fields
  private float[] y = new float[0];

  public FmInteraction(int fields, int dim) {
    this.fields = fields;
    this.dim = dim;
  }

  // x: (B, F*d) -> y: (B)
  public float[] forward(float[] x, int batch) {
    this.x = x;
    this.batch = batch;
    if (y.length < batch) {
      y = new float[batch];
      sums = new float[batch * dim];
    }
    int row = fields * dim;
    for (int b = 0; b < batch; b++) {
      float sq = 0f;
      for (int j = 0; j < dim; j++) {
        float s = 0f;
        for (int f = 0; f < fields; f++) {
          float v = x[b * row + f * dim + j];
          s += v;
          sq += v * v;
        }
        sums[b * dim + j] = s;
        sq -= s * s;
      }
      y[b] = -0.5f * sq;
    }
    return y;
  }

  // dy: (B) -> dx: (B, F*d) added into dx (dy_b * (sum_f v_bfj - v_bfj))
  public void backward(float[] dy, float[] dx) {
    int row = fields * dim;
    for (int b = 0; b < batch; b++) {
      for (int f = 0; f < fields; f++) {
        for (int j = 0; j < dim; j++) {
          int o = b * row + f * dim + j;
          dx[o] += dy[b] * (sums[b * dim + j] - x[o]);
        }
      }
    }
  }
}

package org.amtl.core.layers;

import org.amtl.core.layers.DenseParams.Tensor;

/** Fully connected layer y = x W + b, with W stored (in x out) row-major. */
public final class Dense {
  private final DenseParams params;
  private final Tensor weight;
  private final Tensor bias;
  private final int in;
  private final int out;
  private float[] x; // cached input
  private int batch;
  private float[] y = new float[0];
  private float[] dx = new float[0];

  /** Glorot-uniform weights, zero bias. */
  public Dense(DenseParams params, String name, int in, int out) {
    this.params = params;
    this.in = in;
    this.out = out;
    this.weight = params.allocate(name + ".w", in, out, Math.sqrt(6.0 / (in + out)));
    this.bias = params.allocate(name + ".b", 1, out, 0);
  }

  public int in() {
    return in;
  }

  public int out() {
    return out;
  }

  public Tensor weight() {
    return weight;
  }

  public Tensor bias() {
    return bias;
  }

  // x: (B, in) -> y: (B, out)
  public float[] forward(float[] x, int batch) {
    this.x = x;
    this.batch = batch;
    if (y.length < batch * out) {
      y = new float[batch * out];
    }
    float[] w = params.values();
    int wo = weight.offset();
    int bo = bias.offset();
    for (int i = 0; i < batch; i++) {
      int yi = i * out;
      System.arraycopy(w, bo, y, yi, out);
      int xi = i * in;
      for (int k = 0; k < in; k++) {
        float xk = x[xi + k];
        if (xk == 0f) {
          continue;
        }
        int wk = wo + k * out;
        for (int j = 0; j < out; j++) {
          y[yi + j] += xk * w[wk + j];
        }
      }
    }
    return y;
  }

  // dy: (B, out) -> dx: (B, in), or null when the input needs no gradient; dW += x^T dy, db += sum dy
  public float[] backward(float[] dy, boolean needInputGrad) {
    float[] w = params.values();
    float[] g = params.grads();
    int wo = weight.offset();
    int bo = bias.offset();
    for (int i = 0; i < batch; i++) {
      int yi = i * out;
      for (int j = 0; j < out; j++) {
        g[bo + j] += dy[yi + j];
      }
      int xi = i * in;
      for (int k = 0; k < in; k++) {
        float xk = x[xi + k];
        if (xk == 0f) {
          continue;
        }
        int wk = wo + k * out;
        for (int j = 0; j < out; j++) {
          g[wk + j] += xk * dy[yi + j];
        }
      }
    }
    if (!needInputGrad) {
      return null;
    }
    if (dx.length < batch * in) {
      dx = new float[batch * in];
    }
    for (int i = 0; i < batch; i++) {
      int yi = i * out;
      for (int k = 0; k < in; k++) {
        int wk = wo + k * out;
        float s = 0f;
        for (int j = 0; j < out; j++) {
          s += dy[yi + j] * w[wk + j];
        }
        dx[i * in + k] = s;
      }
    }
    return dx;
  }
}

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
  private float[] wT = new float[0]; // W transposed, for dx = dy W^T

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
    for (int i = 0; i < batch; i++) {
      System.arraycopy(w, bias.offset(), y, i * out, out);
    }
    Gemm.get().multiply(x, 0, w, weight.offset(), y, 0, batch, in, out, true);
    return y;
  }

  // dy: (B, out) -> dx: (B, in), or null when the input needs no gradient; dW += x^T dy, db += sum dy
  public float[] backward(float[] dy, boolean needInputGrad) {
    float[] g = params.grads();
    Gemm.get().addColumnSums(dy, batch, out, g, bias.offset());
    Gemm.get().multiplyTransposedA(x, 0, dy, 0, g, weight.offset(), in, batch, out, true);
    if (!needInputGrad) {
      return null;
    }
    if (dx.length < batch * in) {
      dx = new float[batch * in];
    }
    if (wT.length < in * out) {
      wT = new float[in * out];
    }
    Gemm.transpose(params.values(), weight.offset(), in, out, wT);
    Gemm.get().multiply(dy, 0, wT, 0, dx, 0, batch, out, in, false);
    return dx;
  }
}

package org.amtl.core.layers;

import org.amtl.core.kernels.Gemm;
import org.amtl.core.kernels.LayerProducts;
import org.amtl.core.kernels.SparseRows;
import org.amtl.core.layers.DenseParams.Tensor;

/**
 * Fully connected layer y = x W + b, with W stored (in x out) row-major. The input is a dense (B x in) matrix, or
 * rows that are one-hot in their first in - t columns followed by t dense values ({@link #forwardOneHot}, the AMLs'
 * frequency features): then forward adds one row of W plus t scaled rows, and backward touches only those rows of
 * dW. Skipping the zero products leaves every fma chain's other steps in order, so both paths give the same floats
 * (for finite weights and gradients: 0 x infinity would be NaN in the dense one). A dense input's products are
 * {@link LayerProducts}', which skip the zeros a ReLU leaves in the input or in the output gradient.
 */
public final class Dense {
  private final DenseParams params;
  private final Tensor weight;
  private final Tensor bias;
  private final int in;
  private final int out;
  private float[] x; // cached input: dense (B, in), or the t dense values (B, t) after a one-hot column
  private int[] hot; // one-hot column per row, or null for a dense input
  private int tailWidth; // t, for a one-hot input
  private int batch;
  private float[] y = new float[0];
  private float[] dx = new float[0];
  private final LayerProducts products;

  /** Glorot-uniform weights, zero bias. */
  public Dense(DenseParams params, String name, int in, int out) {
    this(params, name, in, out, new SparseRows());
  }

  /** As {@link #Dense(DenseParams, String, int, int)}, with a scratch for non-zeros shared with other layers. */
  Dense(DenseParams params, String name, int in, int out, SparseRows sparse) {
    this.products = new LayerProducts(sparse, params.route());
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
    this.hot = null;
    float[] w = startWithBias(batch);
    products.forward(x, w, weight.offset(), y, batch, in, out);
    return y;
  }

  // hot: (B) columns in [0, in - t), tail: (B, t) the last t inputs -> y: (B, out)
  public float[] forwardOneHot(int[] hot, float[] tail, int t, int batch) {
    this.x = tail;
    this.hot = hot;
    this.tailWidth = t;
    float[] w = startWithBias(batch);
    Gemm gemm = Gemm.get();
    int first = in - t; // W's row of the first tail input
    for (int i = 0; i < batch; i++) {
      if (hot[i] < 0 || hot[i] >= first) {
        throw new IllegalArgumentException("one-hot column = " + hot[i] + " (expected 0.." + (first - 1) + ")");
      }
      gemm.axpy(1f, w, weight.offset() + hot[i] * out, y, i * out, out); // fma(1, w, y): one rounding, as y + w
    }
    // then the tail's t rows of W, one product for all rows: each output's fma chain runs q = 0..t-1 after its
    // one-hot term, as t more row updates per example did
    gemm.multiply(tail, 0, w, weight.offset() + first * out, y, 0, batch, t, out, true);
    return y;
  }

  private float[] startWithBias(int batch) {
    this.batch = batch;
    if (y.length < batch * out) {
      y = new float[batch * out];
    }
    float[] w = params.values();
    for (int i = 0; i < batch; i++) {
      System.arraycopy(w, bias.offset(), y, i * out, out);
    }
    return w;
  }

  // dy: (B, out) -> dx: (B, in), or null when the input needs no gradient; dW += x^T dy, db += sum dy
  public float[] backward(float[] dy, boolean needInputGrad) {
    float[] g = params.grads();
    Gemm.get().addColumnSums(dy, batch, out, g, bias.offset());
    if (hot != null) {
      if (needInputGrad) {
        throw new IllegalStateException("no input gradient for a one-hot input");
      }
      oneHotWeightGradient(dy, g);
      return null;
    }
    if (needInputGrad) {
      if (dx.length < batch * in) {
        dx = new float[batch * in];
      }
      products.inputGradient(dy, params.values(), weight.offset(), dx, batch, in, out);
    }
    products.weightGradient(x, dy, g, weight.offset(), batch, in, out);
    return needInputGrad ? dx : null;
  }

  // dW += x^T dy for one-hot rows: row hot_i of dW gains dy_i, in i order; the tail rows gain tail_iq * dy_i in i
  // order too, as one product tail^T dy (the one-hot rows are other rows of dW, so no chain changes order)
  private void oneHotWeightGradient(float[] dy, float[] g) {
    int first = in - tailWidth;
    Gemm gemm = Gemm.get();
    for (int i = 0; i < batch; i++) {
      gemm.axpy(1f, dy, i * out, g, weight.offset() + hot[i] * out, out);
    }
    gemm.multiplyTransposedA(x, 0, dy, 0, g, weight.offset() + first * out, tailWidth, batch, out, true);
  }
}

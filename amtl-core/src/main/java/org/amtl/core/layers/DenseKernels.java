package org.amtl.core.layers;

/**
 * The dense layer's arithmetic, y = x W + b and its gradients, with W (in x out) row-major at an offset of the
 * parameter block. The fast kernels work on four batch rows at a time, so each row of W is read once per four
 * examples instead of once per example; every output element still sums its terms in the same order as the plain
 * loops in {@link Reference}, so both give the same floats (tests check it). Inputs that are zero for all four
 * rows are skipped (the AMLs read one-hot frequency features).
 */
final class DenseKernels {
  private DenseKernels() {}

  // x: (B, in) -> y: (B, out) = x W + b
  static void forward(float[] x, int batch, int in, int out, float[] w, int wo, int bo, float[] y) {
    int i = 0;
    for (; i + 4 <= batch; i += 4) {
      int y0 = i * out;
      int y1 = y0 + out;
      int y2 = y1 + out;
      int y3 = y2 + out;
      System.arraycopy(w, bo, y, y0, out);
      System.arraycopy(w, bo, y, y1, out);
      System.arraycopy(w, bo, y, y2, out);
      System.arraycopy(w, bo, y, y3, out);
      int x0 = i * in;
      for (int k = 0; k < in; k++) {
        float a0 = x[x0 + k];
        float a1 = x[x0 + in + k];
        float a2 = x[x0 + 2 * in + k];
        float a3 = x[x0 + 3 * in + k];
        if (a0 == 0f && a1 == 0f && a2 == 0f && a3 == 0f) {
          continue;
        }
        int wk = wo + k * out;
        for (int j = 0; j < out; j++) {
          float wj = w[wk + j];
          y[y0 + j] += a0 * wj;
          y[y1 + j] += a1 * wj;
          y[y2 + j] += a2 * wj;
          y[y3 + j] += a3 * wj;
        }
      }
    }
    Reference.forward(x, i, batch, in, out, w, wo, bo, y);
  }

  // dW += x^T dy, db += sum over rows of dy
  static void weightGrad(float[] x, float[] dy, int batch, int in, int out, float[] g, int wo, int bo) {
    int i = 0;
    for (; i + 4 <= batch; i += 4) {
      int d0 = i * out;
      int d1 = d0 + out;
      int d2 = d1 + out;
      int d3 = d2 + out;
      for (int j = 0; j < out; j++) {
        g[bo + j] += dy[d0 + j];
        g[bo + j] += dy[d1 + j];
        g[bo + j] += dy[d2 + j];
        g[bo + j] += dy[d3 + j];
      }
      int x0 = i * in;
      for (int k = 0; k < in; k++) {
        float a0 = x[x0 + k];
        float a1 = x[x0 + in + k];
        float a2 = x[x0 + 2 * in + k];
        float a3 = x[x0 + 3 * in + k];
        if (a0 == 0f && a1 == 0f && a2 == 0f && a3 == 0f) {
          continue;
        }
        int wk = wo + k * out;
        for (int j = 0; j < out; j++) {
          float s = g[wk + j];
          s += a0 * dy[d0 + j];
          s += a1 * dy[d1 + j];
          s += a2 * dy[d2 + j];
          s += a3 * dy[d3 + j];
          g[wk + j] = s;
        }
      }
    }
    Reference.weightGrad(x, dy, i, batch, in, out, g, wo, bo);
  }

  // dx: (B, in) = dy W^T
  static void inputGrad(float[] dy, int batch, int in, int out, float[] w, int wo, float[] dx) {
    int i = 0;
    for (; i + 4 <= batch; i += 4) {
      int d0 = i * out;
      int d1 = d0 + out;
      int d2 = d1 + out;
      int d3 = d2 + out;
      for (int k = 0; k < in; k++) {
        int wk = wo + k * out;
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        for (int j = 0; j < out; j++) {
          float wj = w[wk + j];
          s0 += dy[d0 + j] * wj;
          s1 += dy[d1 + j] * wj;
          s2 += dy[d2 + j] * wj;
          s3 += dy[d3 + j] * wj;
        }
        dx[i * in + k] = s0;
        dx[(i + 1) * in + k] = s1;
        dx[(i + 2) * in + k] = s2;
        dx[(i + 3) * in + k] = s3;
      }
    }
    Reference.inputGrad(dy, i, batch, in, out, w, wo, dx);
  }

  /** The plain loops, one batch row at a time, over rows [from, batch): the reference the fast kernels match. */
  static final class Reference {
    private Reference() {}

    static void forward(float[] x, int from, int batch, int in, int out, float[] w, int wo, int bo, float[] y) {
      for (int i = from; i < batch; i++) {
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
    }

    static void weightGrad(float[] x, float[] dy, int from, int batch, int in, int out, float[] g, int wo,
        int bo) {
      for (int i = from; i < batch; i++) {
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
    }

    static void inputGrad(float[] dy, int from, int batch, int in, int out, float[] w, int wo, float[] dx) {
      for (int i = from; i < batch; i++) {
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
    }
  }
}

package org.amtl.core.layers;

/** Elementwise max(0, x). */
public final class Relu {
  private float[] y = new float[0];
  private float[] dx = new float[0];
  private int n;

  // x: (N) -> y: (N)
  public float[] forward(float[] x, int n) {
    this.n = n;
    if (y.length < n) {
      y = new float[n];
    }
    for (int i = 0; i < n; i++) {
      y[i] = x[i] > 0f ? x[i] : 0f;
    }
    return y;
  }

  // dy: (N) -> dx: (N); the gradient passes where the output was positive
  public float[] backward(float[] dy) {
    if (dx.length < n) {
      dx = new float[n];
    }
    for (int i = 0; i < n; i++) {
      dx[i] = y[i] > 0f ? dy[i] : 0f;
    }
    return dx;
  }
}

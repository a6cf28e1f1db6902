package org.amtl.core.layers;

/**
 * Elementwise max(0, x). Both directions are branch-free: whether an activation is positive is as good as random,
 * and a mispredicted branch per element cost more than the arithmetic.
 */
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
      y[i] = Math.max(x[i], 0f); // -0 gives +0; NaN stays NaN (and fails the step's loss check)
    }
    return y;
  }

  // dy: (N) -> dx: (N); the gradient passes where the output was positive, else +0
  public float[] backward(float[] dy) {
    if (dx.length < n) {
      dx = new float[n];
    }
    for (int i = 0; i < n; i++) {
      // y >= +0, so y > 0 exactly when its bits are a positive int: the mask is all ones then, else zero
      int keep = -Float.floatToRawIntBits(y[i]) >> 31;
      dx[i] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[i]) & keep);
    }
    return dx;
  }
}

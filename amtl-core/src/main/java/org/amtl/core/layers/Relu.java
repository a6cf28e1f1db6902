package org.amtl.core.layers;

/**
 * Elementwise max(0, x), in place: forward overwrites its input with the output and backward its upstream gradient
 * with the input gradient, as the MLP's buffers are not read again (a Dense layer's backward reads its input, not
 * its output), so a hidden layer costs no activation or gradient buffer of its own. Both directions are branch-free:
 * whether an activation is positive is as good as random, and a mispredicted branch per element cost more than the
 * arithmetic.
 */
public final class Relu {
  private float[] y; // the last forward's output: its input buffer
  private int n;

  // x: (N) -> y: (N), written over x and returned
  public float[] forward(float[] x, int n) {
    this.n = n;
    this.y = x;
    for (int i = 0; i < n; i++) {
      x[i] = Math.max(x[i], 0f); // -0 gives +0; NaN stays NaN (and fails the step's loss check)
    }
    return x;
  }

  // dy: (N) -> dx: (N), written over dy and returned; the gradient passes where the output was positive, else +0
  public float[] backward(float[] dy) {
    for (int i = 0; i < n; i++) {
      // y >= +0, so y > 0 exactly when its bits are a positive int: the mask is all ones then, else zero
      int keep = -Float.floatToRawIntBits(y[i]) >> 31;
      dy[i] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[i]) & keep);
    }
    return dy;
  }
}

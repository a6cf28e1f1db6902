package org.amtl.core.optim;

import org.amtl.core.util.VectorKernels;

/**
 * Adagrad's arithmetic on one embedding row: g += l2 w, acc += g^2, w -= lr g / (sqrt(acc) + eps), element by
 * element. {@link Scalar} is the reference; {@code VectorAdagradRows} does the same operations a vector at a time
 * (each rounds as the scalar one does, and a float square root is exact either way), so both give the same floats.
 * The vectorised one matters more than its arithmetic suggests: the rows are cache misses, and a shorter update lets
 * the processor start the next rows' loads while one row waits.
 */
abstract class AdagradRows {
  private static final AdagradRows INSTANCE =
      VectorKernels.vectorisedOr("org.amtl.core.optim.VectorAdagradRows", AdagradRows.class, new Scalar());

  /** The fastest implementation this JVM can run. */
  static AdagradRows get() {
    return INSTANCE;
  }

  /** Updates w[r, r + width) and acc[r, r + width) from the gradient g[go, go + width). */
  abstract void update(float[] w, float[] acc, int r, float[] g, int go, int width, float lr, float epsilon,
      float l2);

  /** The scalar reference. */
  static final class Scalar extends AdagradRows {
    @Override
    void update(float[] w, float[] acc, int r, float[] g, int go, int width, float lr, float epsilon, float l2) {
      for (int j = 0; j < width; j++) {
        float gj = g[go + j] + l2 * w[r + j];
        acc[r + j] += gj * gj;
        w[r + j] -= lr * gj / ((float) Math.sqrt(acc[r + j]) + epsilon);
      }
    }
  }
}

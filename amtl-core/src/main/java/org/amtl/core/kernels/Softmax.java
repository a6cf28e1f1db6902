package org.amtl.core.kernels;

import org.amtl.core.util.VectorKernels;

/**
 * Softmax of each row of a matrix, p = softmax(z / T), with {@link FloatExp}. Per row: the max, then
 * e_j = exp((z_j - max) / T), their sum in j order, and p_j = e_j / sum. The vectorised implementation
 * ({@code VectorSoftmax}) computes the same floats: the max is exact in any order, each e_j and p_j is computed lane
 * by lane with the same operations, and the sum stays sequential.
 */
public abstract class Softmax {
  private static final Softmax INSTANCE =
      VectorKernels.vectorisedOr("org.amtl.core.kernels.VectorSoftmax", Softmax.class, new Scalar());

  /** The fastest implementation this JVM can run. */
  public static Softmax get() {
    return INSTANCE;
  }

  // z: (n, d) -> probs: (n, d), row by row
  public abstract void rows(float[] z, int n, int d, float temperature, float[] probs);

  // z: (d) at off -> probs: (d) at off = softmax(z / T); the reference for every implementation
  public static void row(float[] z, int off, int d, float temperature, float[] probs) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < d; j++) {
      max = Math.max(max, z[off + j]);
    }
    for (int j = 0; j < d; j++) {
      probs[off + j] = FloatExp.exp((z[off + j] - max) / temperature);
    }
    normalise(probs, off, d);
  }

  /** p_j = e_j / sum of the e's, the sum taken in j order. */
  static void normalise(float[] e, int off, int d) {
    float sum = 0f;
    for (int j = 0; j < d; j++) {
      sum += e[off + j];
    }
    for (int j = 0; j < d; j++) {
      e[off + j] /= sum;
    }
  }

  /** Row by row with {@link #row}. */
  public static final class Scalar extends Softmax {
    @Override
    public void rows(float[] z, int n, int d, float temperature, float[] probs) {
      for (int i = 0; i < n; i++) {
        row(z, i * d, d, temperature, probs);
      }
    }
  }
}

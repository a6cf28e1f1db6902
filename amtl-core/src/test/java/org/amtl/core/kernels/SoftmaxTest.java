package org.amtl.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vectorised softmax equals the scalar reference float for float (widths around the vector width, spreads that
 * reach the exponential's clamp, special values), and both are a softmax (against double precision).
 */
class SoftmaxTest {
  @Test
  void theVectorisedSoftmaxIsInUseAndEqualsTheScalarOneFloatForFloat() {
    assertEquals("VectorSoftmax", Softmax.get().getClass().getSimpleName(),
        "surefire starts the JVM with jdk.incubator.vector");
    SplittableRandom rnd = new SplittableRandom(5);
    float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
        -Float.MAX_VALUE, Float.MIN_VALUE};
    double worst = 0;
    for (int trial = 0; trial < 400; trial++) {
      int d = 1 + rnd.nextInt(40);
      int n = 1 + rnd.nextInt(9);
      float temperature = trial % 3 == 0 ? 1f : (float) rnd.nextDouble(0.05, 5);
      double spread = trial % 4 == 0 ? 200 : 4; // 200: many terms fall below e^-87 and are clamped
      float[] z = new float[n * d];
      for (int i = 0; i < z.length; i++) {
        z[i] = trial % 50 == 7 && i % 5 == 0 ? special[rnd.nextInt(special.length)]
            : (float) (spread * rnd.nextGaussian());
      }
      float[] vector = new float[n * d];
      float[] scalar = new float[n * d];
      Softmax.get().rows(z, n, d, temperature, vector);
      new Softmax.Scalar().rows(z, n, d, temperature, scalar);
      for (int i = 0; i < z.length; i++) {
        assertEquals(Float.floatToIntBits(scalar[i]), Float.floatToIntBits(vector[i]),
            "d = " + d + ", T = " + temperature + ", element " + i + " of z = " + java.util.Arrays.toString(z));
      }
      for (int r = 0; r < n && trial % 50 != 7; r++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < d; j++) {
          max = Math.max(max, z[r * d + j]);
        }
        double sum = 0;
        for (int j = 0; j < d; j++) {
          sum += Math.exp((z[r * d + j] - max) / temperature);
        }
        for (int j = 0; j < d; j++) {
          double exact = Math.exp((z[r * d + j] - max) / temperature) / sum;
          worst = Math.max(worst, Math.abs(exact - scalar[r * d + j]));
        }
      }
    }
    assertEquals(0, worst, 1e-6, "a softmax");
  }
}

package org.amtl.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast dense kernels give the same floats as the plain reference loops: batches that are and are not multiples
 * of four, inputs with zeros (whole zero columns too, as one-hot features have), parameters at an offset.
 */
class DenseKernelsTest {

  @Test
  void fastKernelsEqualTheReferenceLoops() {
    SplittableRandom rnd = new SplittableRandom(17);
    for (int trial = 0; trial < 40; trial++) {
      int batch = 1 + rnd.nextInt(13);
      int in = 1 + rnd.nextInt(40);
      int out = 1 + rnd.nextInt(40);
      int wo = rnd.nextInt(5);
      int bo = wo + in * out;
      float[] w = random(rnd, bo + out + 3, 0);
      float[] x = random(rnd, batch * in, trial % 2 == 0 ? 0.6 : 0.0);
      if (trial % 4 == 0) {
        for (int i = 0; i < batch; i++) {
          x[i * in] = 0f; // a column that is zero for every row
        }
      }
      float[] dy = random(rnd, batch * out, 0);
      String shape = "batch " + batch + ", " + in + " -> " + out;

      float[] fast = new float[batch * out];
      float[] ref = new float[batch * out];
      DenseKernels.forward(x, batch, in, out, w, wo, bo, fast);
      DenseKernels.Reference.forward(x, 0, batch, in, out, w, wo, bo, ref);
      assertSame("forward, " + shape, ref, fast);

      float[] gFast = random(new SplittableRandom(trial), w.length, 0);
      float[] gRef = gFast.clone();
      DenseKernels.weightGrad(x, dy, batch, in, out, gFast, wo, bo);
      DenseKernels.Reference.weightGrad(x, dy, 0, batch, in, out, gRef, wo, bo);
      assertSame("weight gradient, " + shape, gRef, gFast);

      float[] dxFast = new float[batch * in];
      float[] dxRef = new float[batch * in];
      DenseKernels.inputGrad(dy, batch, in, out, w, wo, dxFast);
      DenseKernels.Reference.inputGrad(dy, 0, batch, in, out, w, wo, dxRef);
      assertSame("input gradient, " + shape, dxRef, dxFast);
    }
  }

  /** Equal as floats (== : a zero's sign may differ where the reference skipped a zero input). */
  static void assertSame(String what, float[] expected, float[] actual) {
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] != actual[i]) {
        assertEquals(expected[i], actual[i], 0f, what + " at " + i);
      }
    }
  }

  static float[] random(SplittableRandom rnd, int n, double zeroShare) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextDouble() < zeroShare ? 0f : (float) rnd.nextGaussian();
    }
    return v;
  }
}

package org.amtl.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Products that skip A's zeros: the same floats as the dense product (a zero term leaves an fma chain as it was;
 * only the sign of a zero sum may differ), the vectorised kernel the same as the scalar one bit for bit, on the
 * shapes that exercise every panel width (10 and 8 vectors, 4, single columns), block boundaries of k, A row-major
 * and transposed, B row-major and transposed, offsets and accumulation; and the marks of non-zeros the same both ways, -0 and NaN included.
 */
class SparseGemmTest {
  private static final int[] WIDTHS = {64, 72, 80, 100, 136, 400, 416};
  private static final int[] DEPTHS = {1, 63, 64, 65, 130, 400, 416};

  @Test
  void skippingZerosGivesTheDenseProductsFloatsAndBothKernelsAgreeBitForBit() {
    SplittableRandom rnd = new SplittableRandom(5);
    Gemm vector = Gemm.get();
    Gemm scalar = new Gemm.Scalar();
    SparseRows marks = new SparseRows();
    for (int trial = 0; trial < 48; trial++) {
      int m = 1 + rnd.nextInt(trial % 4 == 0 ? 40 : 13);
      int k = DEPTHS[trial % DEPTHS.length];
      int n = WIDTHS[trial / DEPTHS.length % WIDTHS.length];
      boolean transposed = trial % 3 == 1;
      boolean accumulate = trial % 2 == 0;
      int aOff = rnd.nextInt(3);
      int bOff = rnd.nextInt(3);
      int cOff = rnd.nextInt(3);
      float[] a = mostlyZeros(rnd, aOff + m * k, zeroShareAboveThreshold(rnd));
      float[] b = GemmTest.random(rnd, bOff + k * n);
      float[] start = GemmTest.random(rnd, cOff + m * n + 2);
      int rs = transposed ? 1 : k;
      int cs = transposed ? m : 1;
      String shape = m + "x" + k + " times " + k + "x" + n + (transposed ? ", A transposed" : "")
          + (accumulate ? ", accumulated" : "");
      assertTrue(vector.markIfMostlyZeros(marks, a, aOff, rs, cs, m, k, n), shape + ": mostly zeros");

      float[] dense = start.clone();
      scalar.multiply(a, aOff, rs, cs, b, bOff, dense, cOff, m, k, n, accumulate);
      float[] skipped = start.clone();
      vector.multiplySkippingZeros(marks, a, aOff, rs, cs, b, bOff, skipped, cOff, m, k, n, accumulate);
      float[] skippedScalar = start.clone();
      scalar.multiplySkippingZeros(marks, a, aOff, rs, cs, b, bOff, skippedScalar, cOff, m, k, n, accumulate);
      for (int i = 0; i < start.length; i++) {
        assertEquals(Float.floatToIntBits(skippedScalar[i]), Float.floatToIntBits(skipped[i]), shape + " at " + i);
        assertEquals(dense[i] + 0f, skipped[i] + 0f, shape + ": the dense product's float at " + i); // +0f: -0 is 0
        assertEquals(Float.floatToIntBits(dense[i] + 0f), Float.floatToIntBits(skipped[i] + 0f), shape + " at " + i);
      }
    }
  }

  @Test
  void bGivenTransposedGivesTheSameFloatsAsBStoredRowMajor() {
    SplittableRandom rnd = new SplittableRandom(8);
    Gemm vector = Gemm.get();
    Gemm scalar = new Gemm.Scalar();
    SparseRows marks = new SparseRows();
    for (int trial = 0; trial < 42; trial++) {
      int m = 1 + rnd.nextInt(20);
      int k = DEPTHS[trial % DEPTHS.length];
      int n = WIDTHS[trial / DEPTHS.length % WIDTHS.length];
      int bOff = rnd.nextInt(3);
      float[] a = mostlyZeros(rnd, m * k, zeroShareAboveThreshold(rnd));
      float[] b = GemmTest.random(rnd, k * n);
      float[] bT = new float[bOff + n * k]; // B^T stored row-major, as a layer's W is for dx = dy W^T
      for (int p = 0; p < k; p++) {
        for (int j = 0; j < n; j++) {
          bT[bOff + j * k + p] = b[p * n + j];
        }
      }
      String shape = m + "x" + k + " times " + k + "x" + n + " given transposed";
      vector.markAndCount(marks, a, 0, k, 1, m, k, n); // (the product is exact whatever A's zero share)
      float[] rowMajor = new float[m * n];
      scalar.multiply(marks, b, 0, rowMajor, 0, n, false);
      float[] vectorT = new float[m * n];
      vector.multiply(marks, bT, bOff, 1, k, vectorT, 0, n, false);
      float[] scalarT = new float[m * n];
      scalar.multiply(marks, bT, bOff, 1, k, scalarT, 0, n, false);
      for (int i = 0; i < m * n; i++) {
        assertEquals(Float.floatToIntBits(rowMajor[i]), Float.floatToIntBits(vectorT[i]), shape + " at " + i);
        assertEquals(Float.floatToIntBits(rowMajor[i]), Float.floatToIntBits(scalarT[i]), shape + " at " + i);
      }
    }
  }

  @Test
  void marksAreTheSameBothWaysAndSkipOnlyZerosOfEitherSign() {
    SplittableRandom rnd = new SplittableRandom(6);
    for (int trial = 0; trial < 36; trial++) {
      int m = 1 + rnd.nextInt(trial % 3 == 0 ? 70 : 20);
      int k = DEPTHS[trial % DEPTHS.length];
      boolean transposed = trial % 2 == 1;
      int off = rnd.nextInt(3);
      float[] a = mostlyZeros(rnd, off + m * k, 0.6);
      for (int e = 0; e < a.length; e += 7) {
        a[e] = e % 3 == 0 ? -0f : e % 3 == 1 ? Float.NaN : a[e];
      }
      int rs = transposed ? 1 : k;
      int cs = transposed ? m : 1;
      SparseRows vector = new SparseRows();
      vector.take(a, off, rs, cs, m, k);
      Gemm.get().markNonZeros(vector);
      SparseRows scalar = new SparseRows();
      scalar.take(a, off, rs, cs, m, k);
      new Gemm.Scalar().markNonZeros(scalar);
      assertArrayEquals(scalar.bits, vector.bits, m + "x" + k + (transposed ? " transposed" : ""));
      int expected = 0;
      for (int i = 0; i < m; i++) {
        for (int p = 0; p < k; p++) {
          float x = a[off + i * rs + p * cs];
          boolean set = (scalar.bits[p / SparseRows.BLOCK * m + i] >>> (p % SparseRows.BLOCK) & 1) == 1;
          assertEquals(x != 0f || Float.isNaN(x), set, "A(" + i + ", " + p + ") = " + x);
          expected += set ? 1 : 0;
        }
      }
      assertEquals(expected, scalar.count());
    }
  }

  @Test
  void denseOrNarrowProductsAreNotSkipped() {
    SplittableRandom rnd = new SplittableRandom(7);
    SparseRows marks = new SparseRows();
    float[] manyZeros = mostlyZeros(rnd, 32 * 100, Gemm.ZERO_SHARE_TO_SKIP + 0.1);
    float[] fewZeros = mostlyZeros(rnd, 32 * 100, Gemm.ZERO_SHARE_TO_SKIP - 0.1);
    assertTrue(Gemm.get().markIfMostlyZeros(marks, manyZeros, 0, 100, 1, 32, 100, 64));
    assertFalse(Gemm.get().markIfMostlyZeros(marks, fewZeros, 0, 100, 1, 32, 100, 64), "fewer zeros than the share to skip");
    assertFalse(Gemm.get().markIfMostlyZeros(marks, manyZeros, 0, 100, 1, 32, 100, 63), "narrower than 64");
  }

  /** A share of zeros well above the one from which products skip them, so that even a small A skips. */
  static double zeroShareAboveThreshold(SplittableRandom rnd) {
    return Math.min(0.95, Gemm.ZERO_SHARE_TO_SKIP + 0.15 + 0.5 * rnd.nextDouble());
  }

  /** Gaussian floats with a share {@code zeros} of them (about) zero, a few of those -0. */
  static float[] mostlyZeros(SplittableRandom rnd, int n, double zeros) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextDouble() < zeros ? (rnd.nextInt(5) == 0 ? -0f : 0f) : (float) rnd.nextGaussian();
    }
    return v;
  }
}

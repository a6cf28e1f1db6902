package org.amtl.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vectorised matrix multiply equals the scalar one float for float (odd shapes: rows not a multiple of the
 * tile, columns not a multiple of the vector width, offsets, accumulation, A given transposed), and both are a
 * matrix product (against double-precision sums). The tests run with the incubator module, so the vectorised kernel is the one in use.
 */
class GemmTest {

  @Test
  void theVectorisedKernelIsInUseAndEqualsTheScalarOneFloatForFloat() {
    assertEquals("VectorGemm", Gemm.implementation(), "surefire starts the JVM with jdk.incubator.vector");
    SplittableRandom rnd = new SplittableRandom(21);
    double worst = 0;
    for (int trial = 0; trial < 60; trial++) {
      int m = 1 + rnd.nextInt(15);
      int k = 1 + rnd.nextInt(trial % 6 == 0 ? 400 : 50); // some past the kernel's k block of 128
      int n = 1 + rnd.nextInt(70);
      int aOff = rnd.nextInt(4);
      int bOff = rnd.nextInt(4);
      int cOff = rnd.nextInt(4);
      float[] a = random(rnd, aOff + m * k);
      float[] b = random(rnd, bOff + k * n);
      boolean accumulate = trial % 2 == 1;
      float[] start = random(rnd, cOff + m * n + 3);
      float[] vector = start.clone();
      float[] scalar = start.clone();
      Gemm.get().multiply(a, aOff, b, bOff, vector, cOff, m, k, n, accumulate);
      new Gemm.Scalar().multiply(a, aOff, b, bOff, scalar, cOff, m, k, n, accumulate);
      String shape = m + "x" + k + " times " + k + "x" + n + (accumulate ? " accumulated" : "");
      float[] aT = new float[k * m]; // A stored transposed: the same product through multiplyTransposedA
      Gemm.transpose(a, aOff, m, k, aT);
      float[] fromTransposed = start.clone();
      float[] fromTransposedScalar = start.clone();
      Gemm.get().multiplyTransposedA(aT, 0, b, bOff, fromTransposed, cOff, m, k, n, accumulate);
      new Gemm.Scalar().multiplyTransposedA(aT, 0, b, bOff, fromTransposedScalar, cOff, m, k, n, accumulate);
      for (int i = 0; i < vector.length; i++) {
        assertEquals(Float.floatToIntBits(scalar[i]), Float.floatToIntBits(vector[i]), shape + " at " + i);
        assertEquals(Float.floatToIntBits(scalar[i]), Float.floatToIntBits(fromTransposed[i]),
            shape + ", A transposed, at " + i);
        assertEquals(Float.floatToIntBits(scalar[i]), Float.floatToIntBits(fromTransposedScalar[i]),
            shape + ", A transposed, scalar, at " + i);
      }
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double exact = accumulate ? start[cOff + i * n + j] : 0;
          for (int p = 0; p < k; p++) {
            exact += (double) a[aOff + i * k + p] * b[bOff + p * n + j];
          }
          worst = Math.max(worst, Math.abs(exact - scalar[cOff + i * n + j]) / Math.sqrt(k));
        }
      }
    }
    System.out.printf("gemm: largest |float - double| / sqrt(k) = %.2e%n", worst);
    assertEquals(0, worst, 1e-5, "a matrix product");
  }

  @Test
  void columnSumsEqualTheScalarOnesFloatForFloatAndAreSums() {
    SplittableRandom rnd = new SplittableRandom(8);
    for (int trial = 0; trial < 60; trial++) {
      int rows = 1 + rnd.nextInt(300);
      int cols = 1 + rnd.nextInt(70);
      int off = rnd.nextInt(4);
      float[] x = random(rnd, rows * cols);
      float[] start = random(rnd, off + cols + 2);
      float[] vector = start.clone();
      float[] scalar = start.clone();
      Gemm.get().addColumnSums(x, rows, cols, vector, off);
      new Gemm.Scalar().addColumnSums(x, rows, cols, scalar, off);
      for (int i = 0; i < start.length; i++) {
        assertEquals(Float.floatToIntBits(scalar[i]), Float.floatToIntBits(vector[i]), rows + "x" + cols + " at " + i);
      }
      for (int j = 0; j < cols; j++) {
        double exact = start[off + j];
        for (int i = 0; i < rows; i++) {
          exact += x[i * cols + j];
        }
        assertEquals(exact, scalar[off + j], 1e-5 * rows, "column " + j);
      }
      if (off > 0) {
        assertEquals(start[0], scalar[0], "before the offset: untouched");
      }
      assertEquals(start[off + cols], scalar[off + cols], "after the columns: untouched");
    }
  }

  @Test
  void addProductsEqualsTheScalarOneFloatForFloat() {
    SplittableRandom rnd = new SplittableRandom(10);
    for (int trial = 0; trial < 40; trial++) {
      int n = 1 + rnd.nextInt(70);
      int aOff = rnd.nextInt(4);
      int bOff = rnd.nextInt(4);
      int yOff = rnd.nextInt(4);
      float[] a = random(rnd, aOff + n);
      float[] b = random(rnd, bOff + n);
      float[] start = random(rnd, yOff + n + 2);
      float[] vector = start.clone();
      float[] scalar = start.clone();
      Gemm.get().addProducts(a, aOff, b, bOff, vector, yOff, n);
      new Gemm.Scalar().addProducts(a, aOff, b, bOff, scalar, yOff, n);
      for (int i = 0; i < start.length; i++) {
        assertEquals(Float.floatToIntBits(scalar[i]), Float.floatToIntBits(vector[i]), "n = " + n + " at " + i);
        boolean inside = i >= yOff && i < yOff + n;
        float expected = inside ? start[i] + a[aOff + i - yOff] * b[bOff + i - yOff] : start[i];
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(scalar[i]), "n = " + n + " at " + i);
      }
    }
  }

  @Test
  void axpyEqualsTheScalarOneFloatForFloat() {
    SplittableRandom rnd = new SplittableRandom(9);
    for (int trial = 0; trial < 40; trial++) {
      int n = 1 + rnd.nextInt(70);
      int xOff = rnd.nextInt(4);
      int yOff = rnd.nextInt(4);
      float alpha = trial % 3 == 0 ? 1f : (float) rnd.nextGaussian();
      float[] x = random(rnd, xOff + n);
      float[] start = random(rnd, yOff + n + 2);
      float[] vector = start.clone();
      float[] scalar = start.clone();
      Gemm.get().axpy(alpha, x, xOff, vector, yOff, n);
      new Gemm.Scalar().axpy(alpha, x, xOff, scalar, yOff, n);
      for (int i = 0; i < start.length; i++) {
        assertEquals(Float.floatToIntBits(scalar[i]), Float.floatToIntBits(vector[i]), "n = " + n + " at " + i);
        boolean inside = i >= yOff && i < yOff + n;
        float expected = inside ? Math.fma(alpha, x[xOff + i - yOff], start[i]) : start[i];
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(scalar[i]), "n = " + n + " at " + i);
      }
    }
  }

  @Test
  void transposeSwapsRowsAndColumns() {
    float[] src = {9, 1, 2, 3, 4, 5, 6}; // offset 1: 2 x 3
    float[] dst = new float[6];
    Gemm.transpose(src, 1, 2, 3, dst);
    assertEquals(java.util.List.of(1f, 4f, 2f, 5f, 3f, 6f), java.util.stream.IntStream.range(0, 6)
        .mapToObj(i -> dst[i]).toList());
  }

  @Test
  void addTransposedAddsColumnsAsRowsAtTheOffset() {
    float[] src = {1, 2, 3, 4, 5, 6}; // 2 x 3
    float[] dst = {9, 10, 20, 30, 40, 50, 60, 7}; // offset 1: 3 x 2 to add to, then one past
    Gemm.addTransposed(src, 2, 3, dst, 1);
    assertEquals(java.util.List.of(9f, 11f, 24f, 32f, 45f, 53f, 66f, 7f), java.util.stream.IntStream.range(0, 8)
        .mapToObj(i -> dst[i]).toList());
  }

  @Test
  void transposeAndAddTransposedMatchTheElementwiseDefinitionOnEveryShape() {
    SplittableRandom rnd = new SplittableRandom(17);
    for (int rows : new int[] {1, 63, 64, 65, 130}) { // bands of 64 rows: one, a full one, and past the edge
      for (int cols = 1; cols <= 9; cols++) { // four columns at a time, and 1-3 left over
        float[] src = random(rnd, 2 + rows * cols);
        float[] moved = new float[cols * rows];
        Gemm.transpose(src, 2, rows, cols, moved);
        float[] start = random(rnd, 1 + cols * rows);
        float[] added = start.clone();
        Gemm.addTransposed(java.util.Arrays.copyOfRange(src, 2, src.length), rows, cols, added, 1);
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            String at = rows + " x " + cols + " at (" + r + ", " + c + ")";
            assertEquals(src[2 + r * cols + c], moved[c * rows + r], at);
            assertEquals(start[1 + c * rows + r] + src[2 + r * cols + c], added[1 + c * rows + r], at);
          }
        }
        assertEquals(start[0], added[0], "before the offset");
      }
    }
  }

  static float[] random(SplittableRandom rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }
}

package org.amtl.core.layers;

/**
 * Float matrix multiply C (m x n) = [C +] A (m x k) B (k x n), all row-major at offsets. Every output element is one
 * sequential chain of fused multiply-adds over k in order, c = fma(a_ik, b_kj, c), whatever the implementation:
 * so the vectorised kernel ({@code VectorGemm}, Java's incubating Vector API) and the scalar one ({@link Scalar})
 * give the same floats, on any vector width. The vectorised one is used when the JVM was started with
 * {@code --add-modules=jdk.incubator.vector} (the launchers do that); tables stay bit-identical either way.
 */
public abstract class Gemm {
  private static final Gemm INSTANCE =
      VectorKernels.vectorisedOr("org.amtl.core.layers.VectorGemm", Gemm.class, new Scalar());

  /** The fastest implementation this JVM can run. */
  public static Gemm get() {
    return INSTANCE;
  }

  /** Name of the implementation in use, for logs and benchmark reports. */
  public static String implementation() {
    return INSTANCE.getClass().getSimpleName();
  }

  /** C = A B, or C += A B when {@code accumulate}; A is (m x k). */
  public final void multiply(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n,
      boolean accumulate) {
    multiply(a, aOff, k, 1, b, bOff, c, cOff, m, k, n, accumulate);
  }

  /** C = A^T B, or C += A^T B, where {@code a} holds A as (k x m): no transposed copy is needed. */
  public final void multiplyTransposedA(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k,
      int n, boolean accumulate) {
    multiply(a, aOff, 1, m, b, bOff, c, cOff, m, k, n, accumulate);
  }

  /** The product with A's element (i, p) at {@code aOff + i * rs + p * cs}. */
  abstract void multiply(float[] a, int aOff, int rs, int cs, float[] b, int bOff, float[] c, int cOff, int m, int k,
      int n, boolean accumulate);

  /**
   * dst[off + j] += the sum over i of x[i * cols + j], added in i order: a bias gradient (the product of a row of
   * ones and x, which is why it lives here).
   */
  public abstract void addColumnSums(float[] x, int rows, int cols, float[] dst, int off);

  /** y[yOff + j] = fma(alpha, x[xOff + j], y[yOff + j]) for j < n: one row of a product with a sparse factor. */
  public abstract void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

  /** dst (cols x rows) = src (rows x cols) transposed; src at an offset. */
  public static void transpose(float[] src, int off, int rows, int cols, float[] dst) {
    final int tile = 32; // keeps both sides of a tile in cache
    for (int r0 = 0; r0 < rows; r0 += tile) {
      int r1 = Math.min(rows, r0 + tile);
      for (int c0 = 0; c0 < cols; c0 += tile) {
        int c1 = Math.min(cols, c0 + tile);
        for (int r = r0; r < r1; r++) {
          for (int c = c0; c < c1; c++) {
            dst[c * rows + r] = src[off + r * cols + c];
          }
        }
      }
    }
  }

  /** The scalar implementation: the reference the vectorised one must equal. */
  public static final class Scalar extends Gemm {
    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
      for (int j = 0; j < n; j++) {
        y[yOff + j] = Math.fma(alpha, x[xOff + j], y[yOff + j]);
      }
    }

    @Override
    public void addColumnSums(float[] x, int rows, int cols, float[] dst, int off) {
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          dst[off + j] += x[i * cols + j];
        }
      }
    }

    @Override
    void multiply(float[] a, int aOff, int rs, int cs, float[] b, int bOff, float[] c, int cOff, int m, int k, int n,
        boolean accumulate) {
      for (int i = 0; i < m; i++) {
        int ci = cOff + i * n;
        if (!accumulate) {
          java.util.Arrays.fill(c, ci, ci + n, 0f);
        }
        for (int p = 0; p < k; p++) {
          float aip = a[aOff + i * rs + p * cs];
          int bp = bOff + p * n;
          for (int j = 0; j < n; j++) {
            c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
          }
        }
      }
    }
  }
}

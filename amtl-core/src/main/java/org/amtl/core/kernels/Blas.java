package org.amtl.core.kernels;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

/**
 * Row-major float products through netlib (dev.ludovic.netlib, the BLAS layer of Spark MLlib and Breeze): a native
 * BLAS when the JVM finds one (the system's libblas.so.3, such as OpenBLAS), netlib's Java implementation
 * otherwise. BLAS is column-major; a row-major matrix is its transpose there, so C = op(A) op(B) runs as
 * C^T = op(B)^T op(A)^T with the operands swapped and each one's transpose flag unchanged. A native BLAS sums in
 * its own order (blocked, vectorised per CPU kind), so its floats differ from our kernels' in the last bits.
 */
public final class Blas {
  private static final BLAS INSTANCE = BLAS.getInstance();

  private Blas() {}

  /** True when the products run in a native library. */
  public static boolean isNative() {
    return INSTANCE instanceof NativeBLAS;
  }

  /** The netlib implementation in use (JNIBLAS for the native one), for logs, manifests and benchmarks. */
  public static String implementation() {
    return INSTANCE.getClass().getSimpleName();
  }

  /**
   * C (m x n, row stride ldc) = op(A) op(B), or C += op(A) op(B) when {@code accumulate}; op(A) is (m x k), stored
   * row-major at {@code aOff} with row stride {@code lda} as A, or as A^T when {@code transA}; likewise B.
   */
  public static void multiply(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
    multiply(INSTANCE, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
  }

  /** The same through a given netlib implementation (benchmarks set the Java and the native one side by side). */
  public static void multiply(BLAS blas, boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
      int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
    if (m == 0 || n == 0) {
      return;
    }
    blas.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, 1f, b, bOff, ldb, a, aOff, lda,
        accumulate ? 1f : 0f, c, cOff, ldc);
  }
}

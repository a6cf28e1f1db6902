package org.amtl.core.kernels;

import org.amtl.core.util.VectorKernels;

/**
 * Float matrix multiply C (m x n) = [C +] A (m x k) B (k x n), all row-major at offsets. Every output element is one
 * sequential chain of fused multiply-adds over k in order, c = fma(a_ik, b_kj, c), whatever the implementation:
 * so the vectorised kernel ({@code VectorGemm}, Java's incubating Vector API) and the scalar one ({@link Scalar})
 * give the same floats, on any vector width. The vectorised one is used when the JVM was started with
 * {@code --add-modules=jdk.incubator.vector} (the launchers do that); tables stay bit-identical either way. A left
 * factor that is mostly zeros, as ReLU leaves an MLP's activations and their gradients, can skip them
 * ({@link #multiplySkippingZeros}): the same chains without their zero terms.
 */
public abstract class Gemm {
  private static final Gemm INSTANCE =
      VectorKernels.vectorisedOr("org.amtl.core.kernels.VectorGemm", Gemm.class, new Scalar());

  /**
   * The share of zeros in A from which skipping them is taken to pay: the sparse kernel does fewer products but at a
   * lower rate per product, and marking the non-zeros costs a few percent of a dense one. Measured at the reference
   * model's shapes (benchmarks' {@code ProductTimes}, AVX-512), skipping overtakes our dense kernel at 20-27% zeros
   * (see docs/performance.md).
   */
  public static final double ZERO_SHARE_TO_SKIP = 0.3;

  /** Products narrower than this (in C's columns) stay dense: the sparse kernel wants a row's 8 vectors of C. */
  public static final int COLUMNS_TO_SKIP = 64;

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

  /**
   * C = A B, or C += A B, skipping A's zeros when at least {@link #ZERO_SHARE_TO_SKIP} of A is zero (through
   * {@code scratch}), else as {@link #multiply(float[], int, float[], int, float[], int, int, int, int, boolean)};
   * A's element (i, p) is at {@code a[aOff + i * rs + p * cs]}, so A may be given transposed (rs = 1, cs = m). A
   * zero term leaves an fma chain as it was, so both ways give the same floats (up to the sign of a zero sum, and
   * for finite B: 0 x infinity would be NaN). Returns A's non-zeros as {@link #markAndCount} counted them (-1 for
   * a product too narrow to skip), for a caller that decides another product by them.
   */
  public final int multiplySkippingZeros(SparseRows scratch, float[] a, int aOff, int rs, int cs, float[] b,
      int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
    int nonZeros = markAndCount(scratch, a, aOff, rs, cs, m, k, n);
    if (mostlyZeros(nonZeros, m, k)) {
      multiply(scratch, b, bOff, c, cOff, n, accumulate);
    } else {
      multiply(a, aOff, rs, cs, b, bOff, c, cOff, m, k, n, accumulate);
    }
    return nonZeros;
  }

  /**
   * Marks A's non-zeros in {@code scratch} and returns true when at least {@link #ZERO_SHARE_TO_SKIP} of A is zero
   * and the product is at least {@link #COLUMNS_TO_SKIP} wide; else returns false. A's element (i, p) at
   * {@code a[aOff + i * rs + p * cs]} (rs = k, cs = 1, or rs = 1, cs = m). The scratch refers to A until the next call.
   */
  public final boolean markIfMostlyZeros(SparseRows scratch, float[] a, int aOff, int rs, int cs, int m, int k,
      int n) {
    return mostlyZeros(markAndCount(scratch, a, aOff, rs, cs, m, k, n), m, k);
  }

  /**
   * Marks A's non-zeros in {@code scratch} as {@link #markIfMostlyZeros} does and returns how many there are, or -1,
   * marking nothing, when the product is narrower than {@link #COLUMNS_TO_SKIP} (it stays dense whatever A holds).
   */
  public final int markAndCount(SparseRows scratch, float[] a, int aOff, int rs, int cs, int m, int k, int n) {
    if (n < COLUMNS_TO_SKIP) {
      return -1;
    }
    scratch.take(a, aOff, rs, cs, m, k);
    markNonZeros(scratch);
    return scratch.count();
  }

  /** Whether an (m x k) factor with this many non-zeros (-1: not counted) has enough zeros to skip them. */
  public static boolean mostlyZeros(int nonZeros, int m, int k) {
    return mostlyZeros(nonZeros, m, k, ZERO_SHARE_TO_SKIP);
  }

  /** The same with another share of zeros from which to skip them (against a native BLAS, say). */
  public static boolean mostlyZeros(int nonZeros, int m, int k, double shareToSkip) {
    return nonZeros >= 0 && nonZeros <= (1 - shareToSkip) * m * k;
  }

  /** Sets the bits of the matrix that {@code s} has taken: bit q of long (block, i) when A(i, 64 block + q) != 0. */
  void markNonZeros(SparseRows s) {
    for (int blk = 0; blk < s.blocks; blk++) {
      for (int i = 0; i < s.rows; i++) {
        s.bits[blk * s.rows + i] = s.word(i, blk * SparseRows.BLOCK);
      }
    }
  }

  /** C (m x n) = A B, or C += A B, for A marked in {@code a}: each output one fma chain over A's non-zeros, p order. */
  public final void multiply(SparseRows a, float[] b, int bOff, float[] c, int cOff, int n, boolean accumulate) {
    multiply(a, b, bOff, n, 1, c, cOff, n, accumulate);
  }

  /**
   * As {@link #multiply(SparseRows, float[], int, float[], int, int, boolean)} with B's element (p, j) at
   * {@code b[bOff + p * brs + j * bcs]}: B may be given transposed (brs = 1, bcs = k), as a layer's dx = dy W^T
   * reads W, which spares a transposed copy.
   */
  public final void multiply(SparseRows a, float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int n,
      boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(c, cOff, cOff + a.rows * n, 0f);
    }
    multiplySparse(a, b, bOff, brs, bcs, c, cOff, n);
  }

  /** C += A B for A marked in {@code a}, B's element (p, j) at {@code b[bOff + p * brs + j * bcs]}. */
  abstract void multiplySparse(SparseRows a, float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int n);

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

  /**
   * y[yOff + j] += a[aOff + j] * b[bOff + j] for j < n, the product rounded before the sum (not an fma): an AMTL
   * row's gradient m * dv added to its table row.
   */
  public abstract void addProducts(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);

  /** dst (cols x rows) = src (rows x cols) transposed; src at an offset. */
  public static void transpose(float[] src, int off, int rows, int cols, float[] dst) {
    transpose(src, off, rows, cols, dst, 0, false);
  }

  /** dst[off + c * rows + r] += src[r * cols + c]: src (rows x cols) added transposed. */
  public static void addTransposed(float[] src, int rows, int cols, float[] dst, int off) {
    transpose(src, 0, rows, cols, dst, off, true);
  }

  // band by band of 64 rows of src, four of its columns at a time: a row gives four adjacent floats and each goes to
  // its own run of dst, so reads and writes both move along rows (1.5x faster than 32 x 32 tiles of single floats,
  // measured on 416 x 400); what is left past a multiple of four columns goes one column at a time
  private static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff, boolean add) {
    final int band = 64;
    for (int r0 = 0; r0 < rows; r0 += band) {
      int r1 = Math.min(rows, r0 + band);
      int c = 0;
      for (; c + 4 <= cols; c += 4) {
        int d = dstOff + c * rows;
        if (add) {
          for (int r = r0, x = srcOff + r0 * cols + c; r < r1; r++, x += cols) {
            dst[d + r] += src[x];
            dst[d + rows + r] += src[x + 1];
            dst[d + 2 * rows + r] += src[x + 2];
            dst[d + 3 * rows + r] += src[x + 3];
          }
        } else {
          for (int r = r0, x = srcOff + r0 * cols + c; r < r1; r++, x += cols) {
            dst[d + r] = src[x];
            dst[d + rows + r] = src[x + 1];
            dst[d + 2 * rows + r] = src[x + 2];
            dst[d + 3 * rows + r] = src[x + 3];
          }
        }
      }
      for (; c < cols; c++) {
        for (int r = r0; r < r1; r++) {
          float v = src[srcOff + r * cols + c];
          dst[dstOff + c * rows + r] = add ? dst[dstOff + c * rows + r] + v : v;
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
    public void addProducts(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
      for (int j = 0; j < n; j++) {
        y[yOff + j] += a[aOff + j] * b[bOff + j];
      }
    }

    @Override
    void multiplySparse(SparseRows a, float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int n) {
      for (int blk = 0; blk < a.blocks; blk++) {
        for (int i = 0; i < a.rows; i++) {
          int ci = cOff + i * n;
          for (long bits = a.bits[blk * a.rows + i]; bits != 0; bits &= bits - 1) {
            int p = blk * SparseRows.BLOCK + Long.numberOfTrailingZeros(bits);
            float aip = a.a[a.off + i * a.rs + p * a.cs];
            int bp = bOff + p * brs;
            for (int j = 0; j < n; j++) {
              c[ci + j] = Math.fma(aip, b[bp + j * bcs], c[ci + j]);
            }
          }
        }
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

package org.amtl.core.kernels;

/**
 * Where a matrix A (m x k) that is mostly zeros (a ReLU's output, or the gradient it lets through) is not zero: a
 * bit per element, 64 columns of a row to a long, for {@link Gemm#multiply(SparseRows, float[], int, float[], int,
 * int, boolean)}. The product walks a row's set bits and reads those elements from A itself, so nothing is copied;
 * the 64 columns of a long are also the block of k whose rows of B stay in L1 while every row of A passes. Built
 * from A stored row-major or transposed, into a buffer reused (and grown) from one matrix to the next: one per MLP.
 */
public final class SparseRows {
  /** Columns of A per long: 64 rows of B of 10 vectors each are 20 KB, within a core's 32 KB L1. */
  static final int BLOCK = 64;

  float[] a; // A's element (i, p) at a[off + i * rs + p * cs]
  int off;
  int rs;
  int cs;
  int rows;
  int cols;
  int blocks;
  long[] bits = new long[0]; // bits[block * rows + i]: bit q set when A(i, block * 64 + q) is not zero

  /**
   * Takes A (its element (i, p) at {@code a[off + i * rs + p * cs]}: row-major when cs = 1, transposed, A^T stored
   * row-major, when rs = 1) and sizes the bits for it; {@link Gemm#markNonZeros} then sets them.
   */
  void take(float[] a, int off, int rs, int cs, int m, int k) {
    this.a = a;
    this.off = off;
    this.rs = rs;
    this.cs = cs;
    this.rows = m;
    this.cols = k;
    this.blocks = (k + BLOCK - 1) / BLOCK;
    if (bits.length < blocks * m) {
      bits = new long[blocks * m];
    }
  }

  /** Where row i's long of block blk starts in {@link #a}: the element A(i, 64 blk). */
  int offset(int i, int blk) {
    return off + i * rs + blk * BLOCK * cs;
  }

  /** The set bits: A's non-zeros, once marked. */
  int count() {
    int count = 0;
    for (int s = 0; s < blocks * rows; s++) {
      count += Long.bitCount(bits[s]);
    }
    return count;
  }

  /**
   * Bit q of the long of A's row i from column p0 on: the next 64 or fewer elements (a run of memory when cs = 1,
   * else a walk down rows of A^T that A's next rows take again); branch-free, as a zero is as likely as not.
   */
  long word(int i, int p0) {
    int width = Math.min(BLOCK, cols - p0);
    long word = 0;
    for (int q = 0, x = off + i * rs + p0 * cs; q < width; q++, x += cs) {
      word |= (long) isNonZero(a[x]) << q;
    }
    return word;
  }

  /** 1 when x is not zero of either sign, else 0 (NaN counts as non-zero). */
  static int isNonZero(float x) {
    return ((Float.floatToRawIntBits(x) & 0x7fffffff) + 0x7fffffff) >>> 31;
  }
}

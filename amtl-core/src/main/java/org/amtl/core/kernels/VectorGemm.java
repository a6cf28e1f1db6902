package org.amtl.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.amtl.core.util.ArrayAlignment;

/**
 * {@link Gemm} with the Vector API. Tiles of C of 6 rows x 2 vectors stay in registers while k runs; column panels
 * of B (k x 2 vectors) are the outer loop, so each panel stays in L1 while the rows of A stream past it. Leftover
 * columns and rows take the same fma chains four vectors of a row, or six rows' floats, side by side (one chain at a
 * time would wait on each fma's latency: a 400 -> 1 layer did). A left factor given by its non-zeros' marks keeps a
 * row's 8 or 10 vectors of C in registers while it walks the row's marks, block by block of 64 rows of B (see
 * {@link SparseRows}). Both read B from a copy of the panel (or block) in use whose rows start on cache lines (see
 * {@link org.amtl.core.util.ArrayAlignment}); the sparse one's copy also takes B given transposed. Loaded only when
 * the JVM has the incubator module.
 */
final class VectorGemm extends Gemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  // A given transposed (a weight gradient x^T dy) is read a column at a time: over k rows of 6 floats each, which
  // with the B panel overflows L1 for k = 512; blocks of 128 rows keep both in it (dW +15% measured)
  private static final int K_BLOCK = 128;
  // a dense product copies B's panels of 2 vectors when at least this many tiles of 6 rows read each (m >= 48)
  private static final int TILES_TO_COPY_B = 8;
  // B's copy for either kernel, per thread (the instance is shared; the products do not nest), grown as needed
  private static final ThreadLocal<float[]> B_COPY = ThreadLocal.withInitial(() -> new float[0]);
  // the sparse product's copy of a block of B's panel: rows of the widest panel, 10 vectors, a whole number of lines
  private static final int PANEL_COPY_STRIDE = 10 * L;
  // marking non-zeros takes 8 floats at a time (on 256-bit vectors; other widths mark as the scalar loop does)
  // ints of the same shape as S, for the marks: mixing shapes (256-bit marks beside 512-bit products) made HotSpot
  // stop compiling the Vector API calls of a model's first steps into vector instructions (AMTL at a sixth of its
  // speed, measured), so every vector here has the preferred shape
  @SuppressWarnings("unchecked")
  private static final VectorSpecies<Integer> I = (VectorSpecies<Integer>) VectorSpecies.of(int.class, S.vectorShape());
  // an int holds the bits of 32 / L vectors of floats: lane j of group g is 1 << (L g + j)
  private static final IntVector[] GROUP_BITS = new IntVector[Math.max(1, 32 / L)];

  static {
    for (int g = 0; g < GROUP_BITS.length; g++) {
      int[] bit = new int[L];
      for (int j = 0; j < L && L * g + j < 32; j++) {
        bit[j] = 1 << (L * g + j);
      }
      GROUP_BITS[g] = IntVector.fromArray(I, bit, 0);
    }
  }

  @Override
  void multiply(float[] a, int aOff, int rs, int cs, float[] b, int bOff, float[] c, int cOff, int m, int k, int n,
      boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0f); // C's rows are contiguous: one fill, not m short ones
    }
    int kb = cs == 1 ? k : K_BLOCK; // the blocks run in k order: each output's fma chain is unchanged
    for (int k0 = 0; k0 < k; k0 += kb) {
      block(a, aOff + k0 * cs, rs, cs, b, bOff + k0 * n, c, cOff, m, Math.min(kb, k - k0), n);
    }
  }

  // C += A B for one block of k
  private void block(float[] a, int aOff, int rs, int cs, float[] b, int bOff, float[] c, int cOff, int m, int k,
      int n) {
    int tiled = m - m % 6;
    int j = 0;
    float[] copy = tiled >= TILES_TO_COPY_B * 6 ? bCopy(k * 2 * L) : null;
    int start = copy == null ? 0 : ArrayAlignment.firstAlignedIndex(copy);
    for (; j + 2 * L <= n; j += 2 * L) {
      if (copy != null) { // the panel's rows, a cache line each (2 x 256 bits), read by every tile from L1
        for (int p = 0; p < k; p++) {
          System.arraycopy(b, bOff + p * n + j, copy, start + p * 2 * L, 2 * L);
        }
        for (int i = 0; i < tiled; i += 6) {
          tile6x2(a, aOff, rs, cs, copy, start, 2 * L, c, cOff, i, j, k, n);
        }
      } else {
        for (int i = 0; i < tiled; i += 6) {
          tile6x2(a, aOff, rs, cs, b, bOff + j, n, c, cOff, i, j, k, n);
        }
      }
    }
    for (; j + L <= n; j += L) { // an odd vector (400 columns of 16 lanes, a 16-wide AML output): six rows' chains
      for (int i = 0; i < tiled; i += 6) {
        tile6x1(a, aOff, rs, cs, b, bOff + j, n, c, cOff, i, j, k, n);
      }
    }
    for (int i = tiled; i < m; i++) { // the last rows, fewer than a tile: four vectors' chains side by side
      int jr = 0;
      for (; jr + 4 * L <= n; jr += 4 * L) {
        row4(a, aOff, rs, cs, b, bOff, c, cOff, i, jr, k, n);
      }
      for (; jr + L <= n; jr += L) {
        row(a, aOff, rs, cs, b, bOff, c, cOff, i, jr, k, n);
      }
    }
    for (; j < n; j++) { // the last columns, fewer than a vector: six rows' chains side by side, then one by one
      for (int i = 0; i < tiled; i += 6) {
        column6(a, aOff, rs, cs, b, bOff, c, cOff, i, j, k, n);
      }
      for (int i = tiled; i < m; i++) {
        int ci = cOff + i * n + j;
        float acc = c[ci];
        for (int p = 0; p < k; p++) {
          acc = Math.fma(a[aOff + i * rs + p * cs], b[bOff + p * n + j], acc);
        }
        c[ci] = acc;
      }
    }
  }

  // this thread's scratch for a copy of B of this many floats, with room to start it on a cache line
  private static float[] bCopy(int floats) {
    float[] copy = B_COPY.get();
    if (copy.length < floats + ArrayAlignment.BYTES / Float.BYTES) {
      copy = new float[floats + ArrayAlignment.BYTES / Float.BYTES];
      B_COPY.set(copy);
    }
    return copy;
  }

  // C[i..i+5, j] += A[i..i+5, :] B[:, j], one float each
  private static void column6(float[] a, int aOff, int rs, int cs, float[] b, int bOff, float[] c, int cOff, int i,
      int j, int k, int n) {
    int ci = cOff + i * n + j;
    float c0 = c[ci];
    float c1 = c[ci + n];
    float c2 = c[ci + 2 * n];
    float c3 = c[ci + 3 * n];
    float c4 = c[ci + 4 * n];
    float c5 = c[ci + 5 * n];
    int ap = aOff + i * rs;
    int bp = bOff + j;
    for (int p = 0; p < k; p++, ap += cs, bp += n) {
      float bj = b[bp];
      c0 = Math.fma(a[ap], bj, c0);
      c1 = Math.fma(a[ap + rs], bj, c1);
      c2 = Math.fma(a[ap + 2 * rs], bj, c2);
      c3 = Math.fma(a[ap + 3 * rs], bj, c3);
      c4 = Math.fma(a[ap + 4 * rs], bj, c4);
      c5 = Math.fma(a[ap + 5 * rs], bj, c5);
    }
    c[ci] = c0;
    c[ci + n] = c1;
    c[ci + 2 * n] = c2;
    c[ci + 3 * n] = c3;
    c[ci + 4 * n] = c4;
    c[ci + 5 * n] = c5;
  }

  // 8 floats at a time: their magnitudes' bits compared with 0 give a lane mask, and the lanes' powers of two ORed
  // together give their bits. Eight groups of A's row make a long (halves of 32 bits in int lanes, reduced once);
  // for A transposed, eight rows of A side by side take a bit each per row of A^T. Other layouts, and what is left
  // past whole vectors, as the scalar loop does
  @Override
  void markNonZeros(SparseRows s) {
    if (L < 8 || L > 32) { // (a 64-column block is 64 / L vectors; narrower vectors are not worth it)
      super.markNonZeros(s);
      return;
    }
    boolean transposed = s.rs == 1 && s.cs != 1;
    for (int blk = 0; blk < s.blocks; blk++) {
      int p0 = blk * SparseRows.BLOCK;
      int i = 0;
      if (s.cs == 1) {
        int width = Math.min(SparseRows.BLOCK, s.cols - p0);
        for (; i < s.rows; i++) {
          s.bits[blk * s.rows + i] = rowWord(s.a, s.off + i * s.rs + p0, width);
        }
      } else if (transposed && s.cols - p0 >= SparseRows.BLOCK) {
        for (; i + L <= s.rows; i += L) {
          columnWords(s, blk, i);
        }
      }
      for (; i < s.rows; i++) {
        s.bits[blk * s.rows + i] = s.word(i, p0);
      }
    }
  }

  // the long of the width (at most 64) floats from a[x] on: bit q set when a[x + q] != 0; whole vectors at a time
  // (a layer of 416 inputs ends in a block of 32), the rest one by one
  private static long rowWord(float[] a, int x, int width) {
    IntVector low = IntVector.zero(I);
    IntVector high = IntVector.zero(I);
    int vectors = width / L;
    int perInt = 32 / L;
    for (int g = 0; g < Math.min(vectors, perInt); g++) {
      low = low.or(IntVector.zero(I).blend(GROUP_BITS[g], nonZero(a, x + L * g)));
    }
    for (int g = perInt; g < vectors; g++) {
      high = high.or(IntVector.zero(I).blend(GROUP_BITS[g - perInt], nonZero(a, x + L * g)));
    }
    long word = (low.reduceLanes(VectorOperators.OR) & 0xffffffffL) | (long) high.reduceLanes(VectorOperators.OR) << 32;
    for (int q = L * vectors; q < width; q++) {
      word |= (long) SparseRows.isNonZero(a[x + q]) << q;
    }
    return word;
  }

  // lanes of a[x..x+L) that are not zero of either sign
  private static VectorMask<Integer> nonZero(float[] a, int x) {
    return FloatVector.fromArray(S, a, x).reinterpretAsInts().and(0x7fffffff).compare(VectorOperators.NE, 0);
  }

  // the longs of block blk for A's rows i..i+L, A given transposed: row p of A^T holds A(i.., p) side by side
  private static void columnWords(SparseRows s, int blk, int i) {
    IntVector low = IntVector.zero(I);
    IntVector high = IntVector.zero(I);
    int x = s.off + blk * SparseRows.BLOCK * s.cs + i;
    for (int q = 0; q < 32; q++, x += s.cs) {
      low = low.or(IntVector.zero(I).blend(1 << q, nonZero(s.a, x)));
    }
    for (int q = 0; q < 32; q++, x += s.cs) {
      high = high.or(IntVector.zero(I).blend(1 << q, nonZero(s.a, x)));
    }
    int base = blk * s.rows + i;
    for (int j = 0; j < L; j++) {
      s.bits[base + j] = (low.lane(j) & 0xffffffffL) | (long) high.lane(j) << 32;
    }
  }

  // C's columns in panels of 10 vectors and of 8, as many 10s as add up with at most four 8s (an even number of
  // vectors: 400 columns are 5 x 10 vectors of 8 floats, 416 are 2 x 10 + 4 x 8), else of 8; then of 4 vectors, then
  // single columns. Within a panel block by block (its 64 rows of B stay in L1), row by row, the row's accumulators
  // in registers while its set bits are walked: one vector of B loaded per fma (no B vector serves two rows), so
  // wide panels spread the loop's own work over more fmas, and fewer than 8 leave too few independent fma chains
  @Override
  void multiplySparse(SparseRows a, float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int n) {
    int even = n / L - n / L % 2;
    int eights = 0;
    while (eights <= 4 && (8 * eights > even || (even - 8 * eights) % 10 != 0)) {
      eights++;
    }
    int tens = 0;
    if (eights > 4) {
      eights = n / L / 8;
    } else {
      tens = (even - 8 * eights) / 10;
    }
    float[] copy = bCopy(SparseRows.BLOCK * PANEL_COPY_STRIDE);
    int start = ArrayAlignment.firstAlignedIndex(copy);
    SparsePanel panel = new SparsePanel(a, copy, c);
    int j = 0;
    for (int e = 0; e < tens; e++, j += 10 * L) {
      for (int blk = 0; blk < a.blocks; blk++) {
        copyPanel(a, blk, b, bOff + j * bcs, brs, bcs, 10 * L, copy, start);
        for (int i = 0; i < a.rows; i++) {
          panel.row10(a.bits[blk * a.rows + i], a.offset(i, blk), start, cOff + i * n + j);
        }
      }
    }
    for (int e = 0; e < eights; e++, j += 8 * L) {
      for (int blk = 0; blk < a.blocks; blk++) {
        copyPanel(a, blk, b, bOff + j * bcs, brs, bcs, 8 * L, copy, start);
        for (int i = 0; i < a.rows; i++) {
          panel.row8(a.bits[blk * a.rows + i], a.offset(i, blk), start, cOff + i * n + j);
        }
      }
    }
    for (; j + 4 * L <= n; j += 4 * L) {
      for (int blk = 0; blk < a.blocks; blk++) {
        copyPanel(a, blk, b, bOff + j * bcs, brs, bcs, 4 * L, copy, start);
        for (int i = 0; i < a.rows; i++) {
          panel.row4(a.bits[blk * a.rows + i], a.offset(i, blk), start, cOff + i * n + j);
        }
      }
    }
    // an odd number of vectors leaves one (400 columns are 25 vectors of 16 floats with AVX-512): one at a time
    // rather than a column at a time, which on that width cost more than the other 24 vectors together
    for (; j + L <= n; j += L) {
      for (int blk = 0; blk < a.blocks; blk++) {
        copyPanel(a, blk, b, bOff + j * bcs, brs, bcs, L, copy, start);
        for (int i = 0; i < a.rows; i++) {
          panel.row1(a.bits[blk * a.rows + i], a.offset(i, blk), start, cOff + i * n + j);
        }
      }
    }
    for (; j < n; j++) { // the last columns short of a vector
      for (int blk = 0; blk < a.blocks; blk++) {
        for (int i = 0; i < a.rows; i++) {
          int ci = cOff + i * n + j;
          int ai = a.offset(i, blk);
          int bj = bOff + blk * SparseRows.BLOCK * brs + j * bcs;
          float r = c[ci];
          for (long bits = a.bits[blk * a.rows + i]; bits != 0; bits &= bits - 1) {
            int p = Long.numberOfTrailingZeros(bits);
            r = Math.fma(a.a[ai + p * a.cs], b[bj + p * brs], r);
          }
          c[ci] = r;
        }
      }
    }
  }

  // B's rows of block blk, the panel's columns from B(p, 0) = b[bj + p brs] on, to copy[start + q stride] on: each row
  // then starts on a cache line, which spares the kernels' loads straddling two (see ArrayAlignment). B given
  // transposed is read a run of its stored rows at a time, and the block's 20 KB of copy take the stride in L1
  private static void copyPanel(SparseRows a, int blk, float[] b, int bj, int brs, int bcs, int width, float[] copy,
      int start) {
    int p0 = blk * SparseRows.BLOCK;
    int rows = Math.min(SparseRows.BLOCK, a.cols - p0);
    if (bcs == 1) {
      for (int q = 0; q < rows; q++) {
        System.arraycopy(b, bj + (p0 + q) * brs, copy, start + q * PANEL_COPY_STRIDE, width);
      }
      return;
    }
    for (int r = 0; r < width; r++) {
      int from = bj + p0 * brs + r * bcs;
      for (int q = 0; q < rows; q++) {
        copy[start + q * PANEL_COPY_STRIDE + r] = b[from + q * brs];
      }
    }
  }

  /**
   * The operands of one product that skips A's zeros, as fields, B being the copy of a block of its panel (rows
   * {@link #PANEL_COPY_STRIDE} apart): a kernel then takes its row's place in four arguments, all in registers, and
   * copies the fields into locals before its loop, which keeps A's stride in registers (passed on the stack, as a
   * seventh argument is, or read from the fields in the loop, it was reloaded on every set bit: 15-20% slower,
   * measured). The loops over set bits are counted (their number is the
   * long's bit count), which spares the safepoint poll of an open loop.
   */
  private static final class SparsePanel {
    private final float[] a;
    private final int cs;
    private final float[] b;
    private final float[] c;

    SparsePanel(SparseRows a, float[] b, float[] c) {
      this.a = a.a;
      this.cs = a.cs;
      this.b = b;
      this.c = c;
    }

    // C[i, 10 vectors at ci] += A(i, p0 + q) B[p0 + q, 10 vectors] (copied at bj + q stride) for the set bits q of
    // one block's long of row i, whose first element is a[ai]
    void row10(long bits, int ai, int bj, int ci) {
      FloatVector r0 = FloatVector.fromArray(S, c, ci);
      FloatVector r1 = FloatVector.fromArray(S, c, ci + L);
      FloatVector r2 = FloatVector.fromArray(S, c, ci + 2 * L);
      FloatVector r3 = FloatVector.fromArray(S, c, ci + 3 * L);
      FloatVector r4 = FloatVector.fromArray(S, c, ci + 4 * L);
      FloatVector r5 = FloatVector.fromArray(S, c, ci + 5 * L);
      FloatVector r6 = FloatVector.fromArray(S, c, ci + 6 * L);
      FloatVector r7 = FloatVector.fromArray(S, c, ci + 7 * L);
      FloatVector r8 = FloatVector.fromArray(S, c, ci + 8 * L);
      FloatVector r9 = FloatVector.fromArray(S, c, ci + 9 * L);
      float[] a = this.a;
      int cs = this.cs;
      float[] b = this.b;
      for (int t = 0, count = Long.bitCount(bits); t < count; t++) {
        int q = Long.numberOfTrailingZeros(bits);
        bits &= bits - 1;
        FloatVector x = FloatVector.broadcast(S, a[ai + q * cs]);
        int bp = bj + q * PANEL_COPY_STRIDE;
        r0 = x.fma(FloatVector.fromArray(S, b, bp), r0);
        r1 = x.fma(FloatVector.fromArray(S, b, bp + L), r1);
        r2 = x.fma(FloatVector.fromArray(S, b, bp + 2 * L), r2);
        r3 = x.fma(FloatVector.fromArray(S, b, bp + 3 * L), r3);
        r4 = x.fma(FloatVector.fromArray(S, b, bp + 4 * L), r4);
        r5 = x.fma(FloatVector.fromArray(S, b, bp + 5 * L), r5);
        r6 = x.fma(FloatVector.fromArray(S, b, bp + 6 * L), r6);
        r7 = x.fma(FloatVector.fromArray(S, b, bp + 7 * L), r7);
        r8 = x.fma(FloatVector.fromArray(S, b, bp + 8 * L), r8);
        r9 = x.fma(FloatVector.fromArray(S, b, bp + 9 * L), r9);
      }
      r0.intoArray(c, ci);
      r1.intoArray(c, ci + L);
      r2.intoArray(c, ci + 2 * L);
      r3.intoArray(c, ci + 3 * L);
      r4.intoArray(c, ci + 4 * L);
      r5.intoArray(c, ci + 5 * L);
      r6.intoArray(c, ci + 6 * L);
      r7.intoArray(c, ci + 7 * L);
      r8.intoArray(c, ci + 8 * L);
      r9.intoArray(c, ci + 9 * L);
    }

    // as row10, 8 vectors
    void row8(long bits, int ai, int bj, int ci) {
      FloatVector r0 = FloatVector.fromArray(S, c, ci);
      FloatVector r1 = FloatVector.fromArray(S, c, ci + L);
      FloatVector r2 = FloatVector.fromArray(S, c, ci + 2 * L);
      FloatVector r3 = FloatVector.fromArray(S, c, ci + 3 * L);
      FloatVector r4 = FloatVector.fromArray(S, c, ci + 4 * L);
      FloatVector r5 = FloatVector.fromArray(S, c, ci + 5 * L);
      FloatVector r6 = FloatVector.fromArray(S, c, ci + 6 * L);
      FloatVector r7 = FloatVector.fromArray(S, c, ci + 7 * L);
      float[] a = this.a;
      int cs = this.cs;
      float[] b = this.b;
      for (int t = 0, count = Long.bitCount(bits); t < count; t++) {
        int q = Long.numberOfTrailingZeros(bits);
        bits &= bits - 1;
        FloatVector x = FloatVector.broadcast(S, a[ai + q * cs]);
        int bp = bj + q * PANEL_COPY_STRIDE;
        r0 = x.fma(FloatVector.fromArray(S, b, bp), r0);
        r1 = x.fma(FloatVector.fromArray(S, b, bp + L), r1);
        r2 = x.fma(FloatVector.fromArray(S, b, bp + 2 * L), r2);
        r3 = x.fma(FloatVector.fromArray(S, b, bp + 3 * L), r3);
        r4 = x.fma(FloatVector.fromArray(S, b, bp + 4 * L), r4);
        r5 = x.fma(FloatVector.fromArray(S, b, bp + 5 * L), r5);
        r6 = x.fma(FloatVector.fromArray(S, b, bp + 6 * L), r6);
        r7 = x.fma(FloatVector.fromArray(S, b, bp + 7 * L), r7);
      }
      r0.intoArray(c, ci);
      r1.intoArray(c, ci + L);
      r2.intoArray(c, ci + 2 * L);
      r3.intoArray(c, ci + 3 * L);
      r4.intoArray(c, ci + 4 * L);
      r5.intoArray(c, ci + 5 * L);
      r6.intoArray(c, ci + 6 * L);
      r7.intoArray(c, ci + 7 * L);
    }

    // as row10, 4 vectors
    void row4(long bits, int ai, int bj, int ci) {
      FloatVector r0 = FloatVector.fromArray(S, c, ci);
      FloatVector r1 = FloatVector.fromArray(S, c, ci + L);
      FloatVector r2 = FloatVector.fromArray(S, c, ci + 2 * L);
      FloatVector r3 = FloatVector.fromArray(S, c, ci + 3 * L);
      float[] a = this.a;
      int cs = this.cs;
      float[] b = this.b;
      for (int t = 0, count = Long.bitCount(bits); t < count; t++) {
        int q = Long.numberOfTrailingZeros(bits);
        bits &= bits - 1;
        FloatVector x = FloatVector.broadcast(S, a[ai + q * cs]);
        int bp = bj + q * PANEL_COPY_STRIDE;
        r0 = x.fma(FloatVector.fromArray(S, b, bp), r0);
        r1 = x.fma(FloatVector.fromArray(S, b, bp + L), r1);
        r2 = x.fma(FloatVector.fromArray(S, b, bp + 2 * L), r2);
        r3 = x.fma(FloatVector.fromArray(S, b, bp + 3 * L), r3);
      }
      r0.intoArray(c, ci);
      r1.intoArray(c, ci + L);
      r2.intoArray(c, ci + 2 * L);
      r3.intoArray(c, ci + 3 * L);
    }

    // as row10, one vector
    void row1(long bits, int ai, int bj, int ci) {
      FloatVector r0 = FloatVector.fromArray(S, c, ci);
      float[] a = this.a;
      int cs = this.cs;
      float[] b = this.b;
      for (int t = 0, count = Long.bitCount(bits); t < count; t++) {
        int q = Long.numberOfTrailingZeros(bits);
        bits &= bits - 1;
        r0 = FloatVector.broadcast(S, a[ai + q * cs]).fma(FloatVector.fromArray(S, b, bj + q * PANEL_COPY_STRIDE), r0);
      }
      r0.intoArray(c, ci);
    }
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    FloatVector a = FloatVector.broadcast(S, alpha);
    int j = 0;
    for (; j + L <= n; j += L) {
      a.fma(FloatVector.fromArray(S, x, xOff + j), FloatVector.fromArray(S, y, yOff + j)).intoArray(y, yOff + j);
    }
    for (; j < n; j++) {
      y[yOff + j] = Math.fma(alpha, x[xOff + j], y[yOff + j]);
    }
  }

  @Override
  public void addProducts(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
    int j = 0;
    for (; j + L <= n; j += L) {
      FloatVector.fromArray(S, a, aOff + j).mul(FloatVector.fromArray(S, b, bOff + j))
          .add(FloatVector.fromArray(S, y, yOff + j)).intoArray(y, yOff + j);
    }
    for (; j < n; j++) {
      y[yOff + j] += a[aOff + j] * b[bOff + j];
    }
  }

  // four columns' vectors at a time, so that four independent chains of adds are in flight
  @Override
  public void addColumnSums(float[] x, int rows, int cols, float[] dst, int off) {
    int j = 0;
    for (; j + 4 * L <= cols; j += 4 * L) {
      FloatVector s0 = FloatVector.fromArray(S, dst, off + j);
      FloatVector s1 = FloatVector.fromArray(S, dst, off + j + L);
      FloatVector s2 = FloatVector.fromArray(S, dst, off + j + 2 * L);
      FloatVector s3 = FloatVector.fromArray(S, dst, off + j + 3 * L);
      for (int i = 0, xi = j; i < rows; i++, xi += cols) {
        s0 = s0.add(FloatVector.fromArray(S, x, xi));
        s1 = s1.add(FloatVector.fromArray(S, x, xi + L));
        s2 = s2.add(FloatVector.fromArray(S, x, xi + 2 * L));
        s3 = s3.add(FloatVector.fromArray(S, x, xi + 3 * L));
      }
      s0.intoArray(dst, off + j);
      s1.intoArray(dst, off + j + L);
      s2.intoArray(dst, off + j + 2 * L);
      s3.intoArray(dst, off + j + 3 * L);
    }
    for (; j + L <= cols; j += L) {
      FloatVector s0 = FloatVector.fromArray(S, dst, off + j);
      for (int i = 0, xi = j; i < rows; i++, xi += cols) {
        s0 = s0.add(FloatVector.fromArray(S, x, xi));
      }
      s0.intoArray(dst, off + j);
    }
    for (; j < cols; j++) {
      float sum = dst[off + j];
      for (int i = 0; i < rows; i++) {
        sum += x[i * cols + j];
      }
      dst[off + j] = sum;
    }
  }

  // C[i..i+5, j..j+2L) += A[i..i+5, :] B[:, j..j+2L), the panel at b[bOff] with rows bn apart: 12 accumulators, 2
  // loads of B and 6 broadcasts per 12 FMAs
  private static void tile6x2(float[] a, int aOff, int rs, int cs, float[] b, int bOff, int bn, float[] c, int cOff,
      int i, int j, int k, int n) {
    int c0 = cOff + i * n + j;
    FloatVector r00 = FloatVector.fromArray(S, c, c0);
    FloatVector r01 = FloatVector.fromArray(S, c, c0 + L);
    FloatVector r10 = FloatVector.fromArray(S, c, c0 + n);
    FloatVector r11 = FloatVector.fromArray(S, c, c0 + n + L);
    FloatVector r20 = FloatVector.fromArray(S, c, c0 + 2 * n);
    FloatVector r21 = FloatVector.fromArray(S, c, c0 + 2 * n + L);
    FloatVector r30 = FloatVector.fromArray(S, c, c0 + 3 * n);
    FloatVector r31 = FloatVector.fromArray(S, c, c0 + 3 * n + L);
    FloatVector r40 = FloatVector.fromArray(S, c, c0 + 4 * n);
    FloatVector r41 = FloatVector.fromArray(S, c, c0 + 4 * n + L);
    FloatVector r50 = FloatVector.fromArray(S, c, c0 + 5 * n);
    FloatVector r51 = FloatVector.fromArray(S, c, c0 + 5 * n + L);
    int ap = aOff + i * rs;
    int bp = bOff;
    for (int p = 0; p < k; p++, ap += cs, bp += bn) {
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
      FloatVector x = FloatVector.broadcast(S, a[ap]);
      r00 = x.fma(b0, r00);
      r01 = x.fma(b1, r01);
      x = FloatVector.broadcast(S, a[ap + rs]);
      r10 = x.fma(b0, r10);
      r11 = x.fma(b1, r11);
      x = FloatVector.broadcast(S, a[ap + 2 * rs]);
      r20 = x.fma(b0, r20);
      r21 = x.fma(b1, r21);
      x = FloatVector.broadcast(S, a[ap + 3 * rs]);
      r30 = x.fma(b0, r30);
      r31 = x.fma(b1, r31);
      x = FloatVector.broadcast(S, a[ap + 4 * rs]);
      r40 = x.fma(b0, r40);
      r41 = x.fma(b1, r41);
      x = FloatVector.broadcast(S, a[ap + 5 * rs]);
      r50 = x.fma(b0, r50);
      r51 = x.fma(b1, r51);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + L);
    r10.intoArray(c, c0 + n);
    r11.intoArray(c, c0 + n + L);
    r20.intoArray(c, c0 + 2 * n);
    r21.intoArray(c, c0 + 2 * n + L);
    r30.intoArray(c, c0 + 3 * n);
    r31.intoArray(c, c0 + 3 * n + L);
    r40.intoArray(c, c0 + 4 * n);
    r41.intoArray(c, c0 + 4 * n + L);
    r50.intoArray(c, c0 + 5 * n);
    r51.intoArray(c, c0 + 5 * n + L);
  }

  // C[i, j..j+4L) += A[i, :] B[:, j..j+4L)
  private static void row4(float[] a, int aOff, int rs, int cs, float[] b, int bOff, float[] c, int cOff, int i,
      int j, int k, int n) {
    int ci = cOff + i * n + j;
    FloatVector r0 = FloatVector.fromArray(S, c, ci);
    FloatVector r1 = FloatVector.fromArray(S, c, ci + L);
    FloatVector r2 = FloatVector.fromArray(S, c, ci + 2 * L);
    FloatVector r3 = FloatVector.fromArray(S, c, ci + 3 * L);
    int ap = aOff + i * rs;
    int bp = bOff + j;
    for (int p = 0; p < k; p++, ap += cs, bp += n) {
      FloatVector x = FloatVector.broadcast(S, a[ap]);
      r0 = x.fma(FloatVector.fromArray(S, b, bp), r0);
      r1 = x.fma(FloatVector.fromArray(S, b, bp + L), r1);
      r2 = x.fma(FloatVector.fromArray(S, b, bp + 2 * L), r2);
      r3 = x.fma(FloatVector.fromArray(S, b, bp + 3 * L), r3);
    }
    r0.intoArray(c, ci);
    r1.intoArray(c, ci + L);
    r2.intoArray(c, ci + 2 * L);
    r3.intoArray(c, ci + 3 * L);
  }

  // C[i, j..j+L) += A[i, :] B[:, j..j+L)
  // C[i..i+5, one vector at j] += A[i..i+5, :] B[:, that vector]: six independent fma chains, where one row at a
  // time would wait on each fma's latency
  private static void tile6x1(float[] a, int aOff, int rs, int cs, float[] b, int bOff, int bn, float[] c, int cOff,
      int i, int j, int k, int n) {
    int c0 = cOff + i * n + j;
    FloatVector r0 = FloatVector.fromArray(S, c, c0);
    FloatVector r1 = FloatVector.fromArray(S, c, c0 + n);
    FloatVector r2 = FloatVector.fromArray(S, c, c0 + 2 * n);
    FloatVector r3 = FloatVector.fromArray(S, c, c0 + 3 * n);
    FloatVector r4 = FloatVector.fromArray(S, c, c0 + 4 * n);
    FloatVector r5 = FloatVector.fromArray(S, c, c0 + 5 * n);
    int ap = aOff + i * rs;
    int bp = bOff;
    for (int p = 0; p < k; p++, ap += cs, bp += bn) {
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      r0 = FloatVector.broadcast(S, a[ap]).fma(b0, r0);
      r1 = FloatVector.broadcast(S, a[ap + rs]).fma(b0, r1);
      r2 = FloatVector.broadcast(S, a[ap + 2 * rs]).fma(b0, r2);
      r3 = FloatVector.broadcast(S, a[ap + 3 * rs]).fma(b0, r3);
      r4 = FloatVector.broadcast(S, a[ap + 4 * rs]).fma(b0, r4);
      r5 = FloatVector.broadcast(S, a[ap + 5 * rs]).fma(b0, r5);
    }
    r0.intoArray(c, c0);
    r1.intoArray(c, c0 + n);
    r2.intoArray(c, c0 + 2 * n);
    r3.intoArray(c, c0 + 3 * n);
    r4.intoArray(c, c0 + 4 * n);
    r5.intoArray(c, c0 + 5 * n);
  }

  private static void row(float[] a, int aOff, int rs, int cs, float[] b, int bOff, float[] c, int cOff, int i, int j,
      int k, int n) {
    int ci = cOff + i * n + j;
    FloatVector r = FloatVector.fromArray(S, c, ci);
    int ap = aOff + i * rs;
    int bp = bOff + j;
    for (int p = 0; p < k; p++, ap += cs, bp += n) {
      r = FloatVector.broadcast(S, a[ap]).fma(FloatVector.fromArray(S, b, bp), r);
    }
    r.intoArray(c, ci);
  }
}

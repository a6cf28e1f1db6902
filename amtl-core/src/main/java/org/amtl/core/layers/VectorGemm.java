package org.amtl.core.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm} with the Vector API. Tiles of C of 4 rows x 2 vectors stay in registers while k runs; column panels
 * of B (k x 2 vectors) are the outer loop, so each panel stays in L1 while the rows of A stream past it. Leftover
 * columns and rows take the same fma chains one vector, or one float, at a time. Loaded only when the JVM has the
 * incubator module.
 */
final class VectorGemm extends Gemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  @Override
  public void multiply(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n,
      boolean accumulate) {
    if (!accumulate) {
      for (int i = 0; i < m; i++) {
        java.util.Arrays.fill(c, cOff + i * n, cOff + i * n + n, 0f);
      }
    }
    int j = 0;
    for (; j + 2 * L <= n; j += 2 * L) {
      int i = 0;
      for (; i + 4 <= m; i += 4) {
        tile4x2(a, aOff, b, bOff, c, cOff, i, j, k, n);
      }
      for (; i < m; i++) {
        row(a, aOff, b, bOff, c, cOff, i, j, k, n);
        row(a, aOff, b, bOff, c, cOff, i, j + L, k, n);
      }
    }
    for (; j + L <= n; j += L) {
      for (int i = 0; i < m; i++) {
        row(a, aOff, b, bOff, c, cOff, i, j, k, n);
      }
    }
    for (; j < n; j++) { // the last columns, fewer than a vector
      for (int i = 0; i < m; i++) {
        int ci = cOff + i * n + j;
        float acc = c[ci];
        for (int p = 0; p < k; p++) {
          acc = Math.fma(a[aOff + i * k + p], b[bOff + p * n + j], acc);
        }
        c[ci] = acc;
      }
    }
  }

  // C[i..i+3, j..j+2L) += A[i..i+3, :] B[:, j..j+2L)
  private static void tile4x2(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int i, int j, int k,
      int n) {
    int c0 = cOff + i * n + j;
    int c1 = c0 + n;
    int c2 = c1 + n;
    int c3 = c2 + n;
    FloatVector r00 = FloatVector.fromArray(S, c, c0);
    FloatVector r01 = FloatVector.fromArray(S, c, c0 + L);
    FloatVector r10 = FloatVector.fromArray(S, c, c1);
    FloatVector r11 = FloatVector.fromArray(S, c, c1 + L);
    FloatVector r20 = FloatVector.fromArray(S, c, c2);
    FloatVector r21 = FloatVector.fromArray(S, c, c2 + L);
    FloatVector r30 = FloatVector.fromArray(S, c, c3);
    FloatVector r31 = FloatVector.fromArray(S, c, c3 + L);
    int a0 = aOff + i * k;
    int a1 = a0 + k;
    int a2 = a1 + k;
    int a3 = a2 + k;
    int bp = bOff + j;
    for (int p = 0; p < k; p++, bp += n) {
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
      FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
      r00 = x.fma(b0, r00);
      r01 = x.fma(b1, r01);
      x = FloatVector.broadcast(S, a[a1 + p]);
      r10 = x.fma(b0, r10);
      r11 = x.fma(b1, r11);
      x = FloatVector.broadcast(S, a[a2 + p]);
      r20 = x.fma(b0, r20);
      r21 = x.fma(b1, r21);
      x = FloatVector.broadcast(S, a[a3 + p]);
      r30 = x.fma(b0, r30);
      r31 = x.fma(b1, r31);
    }
    r00.intoArray(c, c0);
    r01.intoArray(c, c0 + L);
    r10.intoArray(c, c1);
    r11.intoArray(c, c1 + L);
    r20.intoArray(c, c2);
    r21.intoArray(c, c2 + L);
    r30.intoArray(c, c3);
    r31.intoArray(c, c3 + L);
  }

  // C[i, j..j+L) += A[i, :] B[:, j..j+L)
  private static void row(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int i, int j, int k, int n) {
    int ci = cOff + i * n + j;
    FloatVector r = FloatVector.fromArray(S, c, ci);
    int ai = aOff + i * k;
    int bp = bOff + j;
    for (int p = 0; p < k; p++, bp += n) {
      r = FloatVector.broadcast(S, a[ai + p]).fma(FloatVector.fromArray(S, b, bp), r);
    }
    r.intoArray(c, ci);
  }
}

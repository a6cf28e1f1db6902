package org.amtl.core.kernels;

import static org.amtl.core.kernels.FloatExp.HIGHEST;
import static org.amtl.core.kernels.FloatExp.LN2_HI;
import static org.amtl.core.kernels.FloatExp.LN2_LO;
import static org.amtl.core.kernels.FloatExp.LOG2E;
import static org.amtl.core.kernels.FloatExp.LOWEST;
import static org.amtl.core.kernels.FloatExp.ROUNDER;
import static org.amtl.core.kernels.FloatExp.ROUNDER_BITS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Softmax} with the Vector API: the max and the exponentials a vector at a time (the exponential is
 * {@link FloatExp#exp}'s steps lane by lane), the sum sequential as in the reference, so the floats are the same,
 * and the divisions by it a vector at a time. Rows narrower than a vector go the scalar way. Loaded only when the JVM
 * has the incubator module.
 */
final class VectorSoftmax extends Softmax {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final FloatVector MINUS_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
  private static final FloatVector MINUS_LN2_LO = FloatVector.broadcast(S, -LN2_LO);

  @Override
  public void rows(float[] z, int n, int d, float temperature, float[] probs) {
    if (d < L) {
      for (int i = 0; i < n; i++) {
        row(z, i * d, d, temperature, probs);
      }
      return;
    }
    int full = d - d % L;
    for (int i = 0; i < n; i++) {
      int off = i * d;
      FloatVector m = FloatVector.fromArray(S, z, off);
      for (int j = L; j < full; j += L) {
        m = m.max(FloatVector.fromArray(S, z, off + j));
      }
      float max = m.reduceLanes(VectorOperators.MAX);
      for (int j = full; j < d; j++) {
        max = Math.max(max, z[off + j]);
      }
      for (int j = 0; j < full; j += L) {
        exp(FloatVector.fromArray(S, z, off + j).sub(max).div(temperature)).intoArray(probs, off + j);
      }
      for (int j = full; j < d; j++) {
        probs[off + j] = FloatExp.exp((z[off + j] - max) / temperature);
      }
      float sum = 0f;
      for (int j = 0; j < d; j++) { // in j order, as the reference sums
        sum += probs[off + j];
      }
      for (int j = 0; j < full; j += L) { // a division is exact either way: a vector of them gives the same floats
        FloatVector.fromArray(S, probs, off + j).div(sum).intoArray(probs, off + j);
      }
      for (int j = full; j < d; j++) {
        probs[off + j] /= sum;
      }
    }
  }

  /** {@link FloatExp#exp}, lane by lane. */
  static FloatVector exp(FloatVector x) {
    FloatVector c = x.max(LOWEST).min(HIGHEST);
    FloatVector shifted = c.fma(LOG2E, ROUNDER);
    FloatVector k = shifted.sub(ROUNDER);
    FloatVector r = k.fma(MINUS_LN2_HI, c);
    r = k.fma(MINUS_LN2_LO, r);
    FloatVector p = r.fma(1f / 5040, 1f / 720); // fma(1/5040, r, 1/720): the product commutes exactly
    p = p.fma(r, FloatVector.broadcast(S, 1f / 120));
    p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
    p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
    p = p.fma(r, FloatVector.broadcast(S, 1f / 2));
    p = p.fma(r, FloatVector.broadcast(S, 1f));
    p = p.fma(r, FloatVector.broadcast(S, 1f));
    IntVector twoToK = shifted.reinterpretAsInts().sub(ROUNDER_BITS - 127)
        .lanewise(VectorOperators.LSHL, 23);
    return p.mul(twoToK.reinterpretAsFloats());
  }
}

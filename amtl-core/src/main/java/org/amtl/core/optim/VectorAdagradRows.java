package org.amtl.core.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AdagradRows} with the Vector API: the same multiplies, adds, square roots and divisions, none fused, a
 * vector of a row at a time; what is left past whole vectors as the scalar loop does. Loaded only when the JVM has
 * the incubator module.
 */
final class VectorAdagradRows extends AdagradRows {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  @Override
  void update(float[] w, float[] acc, int r, float[] g, int go, int width, float lr, float epsilon, float l2) {
    int j = 0;
    for (; j + L <= width; j += L) {
      FloatVector wj = FloatVector.fromArray(S, w, r + j);
      FloatVector gj = FloatVector.fromArray(S, g, go + j).add(wj.mul(l2));
      FloatVector aj = FloatVector.fromArray(S, acc, r + j).add(gj.mul(gj));
      aj.intoArray(acc, r + j);
      wj.sub(gj.mul(lr).div(aj.sqrt().add(epsilon))).intoArray(w, r + j);
    }
    for (; j < width; j++) {
      float gj = g[go + j] + l2 * w[r + j];
      acc[r + j] += gj * gj;
      w[r + j] -= lr * gj / ((float) Math.sqrt(acc[r + j]) + epsilon);
    }
  }
}

package org.amtl.core.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AdagradRows} with the Vector API: the same multiplies, adds, square roots and divisions, none fused, a
 * vector of a row at a time; what is left past whole vectors by the scalar loop. Loaded only when the JVM has the
 * incubator module.
 */
final class VectorAdagradRows extends AdagradRows {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final AdagradRows REST = new Scalar(); // past whole vectors

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
    REST.update(w, acc, r + j, g, go + j, width - j, lr, epsilon, l2);
  }
}

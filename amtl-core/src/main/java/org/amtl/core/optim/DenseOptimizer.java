package org.amtl.core.optim;

import org.amtl.core.layers.DenseParams;

/** Updates the flat dense parameter block from its gradient. Owns only its state, laid out like the params. */
public interface DenseOptimizer {
  void step(DenseParams params);

  /** State arrays, each the length of the parameter block (Adam: first and second moments; SGD: none). */
  float[][] state();

  /** Steps taken so far. */
  long steps();

  /** Replaces the state (arrays are copied) and the step count. */
  void setState(float[][] state, long steps);
}

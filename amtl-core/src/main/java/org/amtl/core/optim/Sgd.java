package org.amtl.core.optim;

import org.amtl.core.layers.DenseParams;

/** Plain gradient descent with optional L2: w -= lr * (g + l2 * w). */
public final class Sgd implements DenseOptimizer {
  private final float lr;
  private final float l2;
  private long t;

  public Sgd(double lr, double l2) {
    this.lr = (float) lr;
    this.l2 = (float) l2;
  }

  @Override
  public void step(DenseParams params) {
    t++;
    float[] w = params.values();
    float[] g = params.grads();
    for (int i = 0; i < w.length; i++) {
      w[i] -= lr * (g[i] + l2 * w[i]);
    }
  }

  @Override
  public float[][] state() {
    return new float[0][];
  }

  @Override
  public long steps() {
    return t;
  }

  @Override
  public void setState(float[][] state, long steps) {
    this.t = steps;
  }
}

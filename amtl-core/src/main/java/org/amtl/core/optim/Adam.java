package org.amtl.core.optim;

import org.amtl.core.layers.DenseParams;

/** Adam with bias correction and optional L2 (added to the gradient). */
public final class Adam implements DenseOptimizer {
  private final float lr;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float l2;
  private final float[] m;
  private final float[] v;
  private long t;

  public Adam(int size, double lr, double beta1, double beta2, double epsilon, double l2) {
    this.lr = (float) lr;
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.epsilon = (float) epsilon;
    this.l2 = (float) l2;
    this.m = new float[size];
    this.v = new float[size];
  }

  @Override
  public void step(DenseParams params) {
    t++;
    float[] w = params.values();
    float[] g = params.grads();
    float c1 = (float) (1 - Math.pow(beta1, t));
    float c2 = (float) (1 - Math.pow(beta2, t));
    float stepSize = lr / c1;
    for (int i = 0; i < w.length; i++) {
      float gi = g[i] + l2 * w[i];
      m[i] = beta1 * m[i] + (1 - beta1) * gi;
      v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
      w[i] -= stepSize * m[i] / ((float) Math.sqrt(v[i] / c2) + epsilon);
    }
  }

  @Override
  public float[][] state() {
    return new float[][] {m, v};
  }

  @Override
  public long steps() {
    return t;
  }

  @Override
  public void setState(float[][] state, long steps) {
    System.arraycopy(state[0], 0, m, 0, m.length);
    System.arraycopy(state[1], 0, v, 0, v.length);
    this.t = steps;
  }
}

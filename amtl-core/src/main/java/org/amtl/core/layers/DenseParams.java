package org.amtl.core.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.amtl.core.util.Seeds;

/**
 * All dense parameters of a model in one flat float block, with a table of named tensors. Gradients and
 * optimizer state share this layout, so an optimizer is one loop and averaging is one weighted mean.
 * Tensors are allocated while the model is built; the arrays are final once building ends. It also carries how the
 * layers built on it run their products ({@code train.kernels}), since every layer of a model is built on it.
 */
public final class DenseParams {
  /** A named (rows x cols) tensor at {@code offset}. */
  public record Tensor(String name, int offset, int rows, int cols) {
    public int size() {
      return rows * cols;
    }
  }

  private final long seed;
  private final org.amtl.core.kernels.ProductRoute route;
  private final List<Tensor> tensors = new ArrayList<>();
  private float[] values = new float[0];
  private float[] grads = new float[0];

  /** Parameters whose layers run their products with our kernels. */
  public DenseParams(long seed) {
    this(seed, org.amtl.core.kernels.ProductRoute.OURS);
  }

  public DenseParams(long seed, org.amtl.core.kernels.ProductRoute route) {
    this.seed = seed;
    this.route = route;
  }

  /** How the layers built on these parameters run their products. */
  public org.amtl.core.kernels.ProductRoute route() {
    return route;
  }

  /**
   * Adds a tensor initialised uniform in (-scale, scale) from a seed derived from its name (scale 0: zeros).
   */
  public Tensor allocate(String name, int rows, int cols, double scale) {
    for (Tensor t : tensors) {
      if (t.name().equals(name)) {
        throw new IllegalArgumentException("duplicate dense tensor name '" + name + "'");
      }
    }
    Tensor t = new Tensor(name, values.length, rows, cols);
    values = Arrays.copyOf(values, values.length + t.size());
    grads = new float[values.length];
    if (scale > 0) {
      SplittableRandom rnd = Seeds.random(seed, name);
      for (int i = 0; i < t.size(); i++) {
        values[t.offset() + i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
      }
    }
    tensors.add(t);
    return t;
  }

  public float[] values() {
    return values;
  }

  public float[] grads() {
    return grads;
  }

  public int size() {
    return values.length;
  }

  public List<Tensor> tensors() {
    return Collections.unmodifiableList(tensors);
  }

  public Tensor tensor(String name) {
    for (Tensor t : tensors) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no dense tensor named '" + name + "'");
  }

  public void zeroGrad() {
    Arrays.fill(grads, 0f);
  }
}

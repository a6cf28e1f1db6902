package org.amtl.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.amtl.core.layers.DenseParams;
import org.amtl.core.layers.EmbeddingTable;

/**
 * Central-difference gradient checks for float layers. The layers compute in float, so the documented tolerance
 * is {@link #FLOAT_TOLERANCE}: for each named tensor, max |analytic - numeric| / max(|analytic|, |numeric|) over
 * its entries (an infinity-norm relative error). Perturbations use the step actually stored in float.
 */
public final class GradCheck {
  /** Tolerance for float layers (the issue allows at most 2e-2). */
  public static final double FLOAT_TOLERANCE = 1e-2;
  /**
   * Tolerance for whole models, the bound: a model chains every float layer, so the loss carries more
   * rounding noise while the AMLs' gradients behind a soft mask are small (largest error seen 1.3e-2, on such a
   * tensor under DeepFM; single layers stay below 1e-3).
   */
  public static final double WHOLE_MODEL_TOLERANCE = 2e-2;
  /** Default finite-difference step. */
  public static final double STEP = 1e-3;

  private final double step;

  public GradCheck() {
    this(STEP);
  }

  /**
   * A check with another step. A larger step (1e-2) suits whole-model checks, where small gradients (the AMLs
   * sit behind the mask and the MLP) would otherwise drown in the float rounding of a loss near 0.7.
   */
  public GradCheck(double step) {
    this.step = step;
  }

  /** A tensor to check: entries values[offset .. offset + length) and how to read its analytic gradient. */
  public record Tensor(String name, float[] values, int offset, int length, Supplier<double[]> analytic) {}

  private final List<Tensor> tensors = new ArrayList<>();
  private final Map<String, Double> gradientScale = new LinkedHashMap<>();

  public GradCheck add(String name, float[] values, int offset, int length, Supplier<double[]> analytic) {
    tensors.add(new Tensor(name, values, offset, length, analytic));
    return this;
  }

  /** Every tensor of a dense block, reading gradients from its grad array. */
  public GradCheck addDense(DenseParams params) {
    for (DenseParams.Tensor t : params.tensors()) {
      add(t.name(), params.values(), t.offset(), t.size(), () -> slice(params.grads(), t.offset(), t.size()));
    }
    return this;
  }

  /** Every row of a table, reading its sparse gradient. */
  public GradCheck addTable(EmbeddingTable table) {
    return add(table.name(), table.values(), 0, table.values().length, () -> rowGradients(table));
  }

  /**
   * Runs {@code analyticPass} once (forward + backward filling gradients), reads every analytic gradient, then
   * compares each entry with central differences of {@code loss}. Returns the relative error per tensor.
   */
  public Map<String, Double> run(Runnable analyticPass, DoubleSupplier loss) {
    analyticPass.run();
    List<double[]> analytic = new ArrayList<>();
    for (Tensor t : tensors) {
      analytic.add(t.analytic().get());
    }
    Map<String, Double> errors = new LinkedHashMap<>();
    for (int k = 0; k < tensors.size(); k++) {
      double[] n = numeric(tensors.get(k), loss, step);
      errors.put(tensors.get(k).name(), relativeError(analytic.get(k), n));
      double scale = 0;
      for (double v : n) {
        scale = Math.max(scale, Math.abs(v));
      }
      gradientScale.put(tensors.get(k).name(), scale);
    }
    return errors;
  }

  /**
   * The largest |numeric gradient| per tensor of the last run: a check is only meaningful where it is non-zero
   * (a dead ReLU layer would compare zero with zero).
   */
  public Map<String, Double> gradientScale() {
    return gradientScale;
  }

  /** The numeric gradient of one tensor. */
  public static double[] numeric(Tensor t, DoubleSupplier loss, double step) {
    double[] g = new double[t.length()];
    for (int i = 0; i < t.length(); i++) {
      int at = t.offset() + i;
      float saved = t.values()[at];
      float plus = (float) (saved + step);
      float minus = (float) (saved - step);
      t.values()[at] = plus;
      double lp = loss.getAsDouble();
      t.values()[at] = minus;
      double lm = loss.getAsDouble();
      t.values()[at] = saved;
      g[i] = (lp - lm) / ((double) plus - (double) minus);
    }
    return g;
  }

  /** max |a - n| / max(|a|, |n|) over entries; 0 when both are all zero. */
  public static double relativeError(double[] a, double[] n) {
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - n[i]));
      scale = Math.max(scale, Math.max(Math.abs(a[i]), Math.abs(n[i])));
    }
    return scale == 0 ? 0 : diff / scale;
  }

  public static double[] slice(float[] a, int offset, int length) {
    double[] out = new double[length];
    for (int i = 0; i < length; i++) {
      out[i] = a[offset + i];
    }
    return out;
  }

  /** Dense copy of a table's sparse row gradients. */
  public static double[] rowGradients(EmbeddingTable t) {
    double[] out = new double[t.values().length];
    int w = t.width();
    for (int slot = 0; slot < t.gradRows(); slot++) {
      int id = t.gradRowId(slot);
      for (int j = 0; j < w; j++) {
        out[id * w + j] = t.gradBuffer()[slot * w + j];
      }
    }
    return out;
  }

  /** sum(out * dout) in double over the first n entries: the surrogate loss of a layer check. */
  public static double dot(float[] out, float[] dout, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += (double) out[i] * dout[i];
    }
    return s;
  }

  public static float[] randomArray(int n, long seed, double scale) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return a;
  }

  /** Prints the errors (for the closing figures) and returns the largest. */
  public static double report(String title, Map<String, Double> errors) {
    double max = 0;
    StringBuilder sb = new StringBuilder("gradcheck ").append(title).append(':');
    for (Map.Entry<String, Double> e : errors.entrySet()) {
      sb.append(String.format(Locale.ROOT, "%n  %-28s %.2e", e.getKey(), e.getValue()));
      max = Math.max(max, e.getValue());
    }
    System.out.println(sb);
    return max;
  }
}

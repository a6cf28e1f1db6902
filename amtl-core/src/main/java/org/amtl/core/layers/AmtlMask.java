package org.amtl.core.layers;

import java.util.Arrays;
import java.util.List;
import org.amtl.core.data.FrequencyFeatures;
import org.amtl.core.kernels.Softmax;

/**
 * The AMTL mask of one field (docs/method.md, "The layer"). For row i with frequency features s_i:
 * <pre>
 *   z_i = a_i * hAML(s_i) + (1 - a_i) * lAML(s_i)      (twins; a single AML gives z_i = hAML(s_i))
 *   p_i = softmax(z_i / T)                             position l means "keep l + 1 dims"
 *   t_i = onehot(argmax p_i)   (STE, and always at inference)   or   t_i = p_i   (soft, training without STE)
 *   m_ij = sum_{l >= j} t_il                           reverse cumulative sum: a prefix mask when t is one-hot
 * </pre>
 * Backward treats t as p in every mode (the straight-through estimator), so the STE and soft paths share one
 * backward: dL/dt_l = sum_{j <= l} dL/dm_j (+ the optional budget lambda * (l + 1) per lookup), then the softmax
 * with 1/T, then a_i and 1 - a_i into the two AMLs. Per lookup, the budget charges a value's dims by how often it
 * is looked up; per row (what storage costs), each lookup is weighted by mean count / count_i, so that in
 * expectation over batches the penalty is lambda * mean over the field's rows of E[k_i].
 */
public final class AmtlMask {
  private final int dim;
  private final FrequencyFeatures features;
  private final Mlp hAml;
  private final Mlp lAml; // null for a single AML
  private final float temperature;
  private final boolean ste;
  private final float budgetLambda;
  private final boolean budgetPerRow;

  private int n;
  private int[] ids = new int[0]; // (n) rows of the last forward
  private int[] hot = new int[0]; // (n) frequency features: the bucket, whose one-hot starts s_i
  private float[] tail = new float[0]; // (n, 2) the rest of s_i: u_i and the rank
  private float[] a = new float[0]; // (n) twin weight
  private float[] z = new float[0]; // (n, d) mixed logits
  private float[] probs = new float[0]; // (n, d) softmax(z / T)
  private float[] dzh = new float[0];
  private float[] dzl = new float[0];

  /**
   * How the mask is built and trained: AML hidden width, twins or a single AML, STE or the soft mask, temperature
   * T, the optional storage penalty lambda (per lookup, or per vocabulary row), and the start value of the AMLs'
   * output bias at "keep all d" (0: the random initialisation decides the first sizes).
   */
  public record Settings(int hidden, boolean twins, boolean ste, double temperature, double budgetLambda,
      boolean budgetPerRow, double fullDimBias) {
    /** The paper's layer: twins, STE, no storage penalty, random start. */
    public static Settings paper(int hidden, double temperature) {
      return new Settings(hidden, true, true, temperature, 0, false, 0);
    }
  }

  public AmtlMask(DenseParams params, String name, FrequencyFeatures features, int dim, Settings settings) {
    this.dim = dim;
    this.features = features;
    this.hAml = new Mlp(params, name + ".hAML", features.width(), settings.hidden(), dim);
    this.lAml = settings.twins() ? new Mlp(params, name + ".lAML", features.width(), settings.hidden(), dim) : null;
    this.temperature = (float) settings.temperature();
    this.ste = settings.ste();
    this.budgetLambda = (float) settings.budgetLambda();
    this.budgetPerRow = settings.budgetPerRow();
    for (Mlp aml : settings.twins() ? List.of(hAml, lAml) : List.of(hAml)) {
      DenseParams.Tensor bias = aml.layers().get(aml.layers().size() - 1).bias();
      params.values()[bias.offset() + dim - 1] = (float) settings.fullDimBias();
    }
  }

  public Mlp hAml() {
    return hAml;
  }

  /** The l-AML, or null when a single AML is used. */
  public Mlp lAml() {
    return lAml;
  }

  // ids: (n) -> mask: (n, d); hard prefix masks unless training without STE
  public void forward(int[] ids, int n, float[] mask, boolean training) {
    this.n = n;
    this.ids = ids;
    if (a.length < n) {
      a = new float[n];
      hot = new int[n];
      tail = new float[n * FrequencyFeatures.TAIL];
    }
    if (z.length < n * dim) {
      z = new float[n * dim];
      probs = new float[n * dim];
      dzh = new float[n * dim];
      dzl = new float[n * dim];
    }
    features.copyOneHotTo(ids, n, hot, tail);
    for (int i = 0; i < n; i++) {
      a[i] = lAml == null ? 1f : tail[i * FrequencyFeatures.TAIL]; // a_i = u_i
    }
    float[] zh = hAml.forwardOneHot(hot, tail, FrequencyFeatures.TAIL, n);
    if (lAml == null) {
      System.arraycopy(zh, 0, z, 0, n * dim);
    } else {
      float[] zl = lAml.forwardOneHot(hot, tail, FrequencyFeatures.TAIL, n); // own buffers: zh stays valid
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < dim; j++) {
          int o = i * dim + j;
          z[o] = a[i] * zh[o] + (1f - a[i]) * zl[o];
        }
      }
    }
    boolean hard = ste || !training;
    Softmax.get().rows(z, n, dim, temperature, probs);
    for (int i = 0; i < n; i++) {
      if (hard) {
        prefixMask(argmax(probs, i * dim, dim) + 1, mask, i * dim, dim);
      } else {
        maskFromSelection(probs, i * dim, dim, mask);
      }
    }
  }

  // dmask: (n, d), lookup weights: (n) -> AML parameter gradients
  public void backward(float[] dmask, float[] lookupWeights) {
    for (int i = 0; i < n; i++) {
      int o = i * dim;
      float share = budgetPerRow ? lookupWeights[i] * features.inverseFrequency(ids[i]) : lookupWeights[i];
      selectionBackward(dmask, probs, o, dim, temperature, budgetLambda * share, dzh); // dz, scaled below
      for (int j = 0; j < dim; j++) {
        dzl[o + j] = (1f - a[i]) * dzh[o + j];
        dzh[o + j] = a[i] * dzh[o + j];
      }
    }
    hAml.backward(dzh, false);
    if (lAml != null) {
      lAml.backward(dzl, false);
    }
  }

  /**
   * The dims every row keeps after training: argmax of its logits, plus one. Runs the AMLs, so call it outside a
   * forward/backward pair.
   */
  public int[] keptDims() {
    int rows = features.rows();
    int[] kept = new int[rows];
    int chunk = 1024;
    int[] ids = new int[chunk];
    float[] mask = new float[chunk * dim];
    for (int start = 0; start < rows; start += chunk) {
      int m = Math.min(chunk, rows - start);
      for (int i = 0; i < m; i++) {
        ids[i] = start + i;
      }
      forward(ids, m, mask, false);
      for (int i = 0; i < m; i++) {
        kept[start + i] = argmax(probs, i * dim, dim) + 1;
      }
    }
    return kept;
  }

  /** Softmax selection probabilities of the last forward, (n, d); for tests and diagnostics. */
  float[] probabilities() {
    return probs;
  }

  // t: (d) at off -> mask: (d), m_j = sum_{l >= j} t_l
  public static void maskFromSelection(float[] t, int off, int d, float[] mask) {
    float acc = 0f;
    for (int j = d - 1; j >= 0; j--) {
      acc += t[off + j];
      mask[off + j] = acc;
    }
  }

  // dmask: (d), probs: (d) at off -> dz: (d); budget adds budget * (l + 1) to dL/dt_l
  public static void selectionBackward(float[] dmask, float[] probs, int off, int d, float temperature,
      float budget, float[] dz) {
    float acc = 0f;
    float dot = 0f;
    for (int l = 0; l < d; l++) {
      acc += dmask[off + l]; // dL/dt_l = sum_{j <= l} dL/dm_j
      float dt = acc + budget * (l + 1);
      dz[off + l] = dt;
      dot += dt * probs[off + l];
    }
    for (int l = 0; l < d; l++) {
      dz[off + l] = probs[off + l] * (dz[off + l] - dot) / temperature;
    }
  }

  static void prefixMask(int k, float[] mask, int off, int d) {
    Arrays.fill(mask, off, off + k, 1f); // two runs rather than a test per element
    Arrays.fill(mask, off + k, off + d, 0f);
  }

  /** First index of the maximum. */
  static int argmax(float[] v, int off, int d) {
    int best = 0;
    float max = v[off]; // the running maximum in a local, not read again from v[best] at every step
    for (int j = 1; j < d; j++) {
      if (v[off + j] > max) {
        best = j;
        max = v[off + j];
      }
    }
    return best;
  }
}

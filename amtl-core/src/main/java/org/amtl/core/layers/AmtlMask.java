package org.amtl.core.layers;

import java.util.Arrays;
import java.util.List;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.FrequencyFeatures;
import org.amtl.core.kernels.Gemm;
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
  private final DenseParams params;
  private final FrequencyFeatures features;
  private final Mlp hAml;
  private final Mlp lAml; // null for a single AML
  private float temperature; // T of this round (amtl.temperature.final anneals it)
  private boolean open; // a warm-up round: training keeps every dim and leaves the AMLs alone
  private final boolean ste;
  private final float budgetLambda;
  private final boolean budgetPerRow;

  // a value's frequency features are a function of its count, so the AMLs run once per distinct count of a batch
  // (a tie group): rows hold a batch's rows, groups its distinct counts
  private int n;
  private int[] ids = new int[0]; // (n) rows of the last forward
  private int[] groupOf = new int[0]; // (n) each row's group
  private final CountIndex groupIndex = new CountIndex();
  private int groups;
  private int[] firstRow = new int[0]; // (groups) a row of each group, whose features stand for the group's
  private int[] hot = new int[0]; // (groups) frequency features: the bucket, whose one-hot starts s_i
  private float[] tail = new float[0]; // (groups, 2) the rest of s_i: u_i and the rank
  private float[] a = new float[0]; // (groups) twin weight
  private float[] z = new float[0]; // (groups, d) mixed logits
  private float[] probs = new float[0]; // (groups, d) softmax(z / T)
  private int[] kept = new int[0]; // (groups) argmax + 1
  private float[] dmaskSum = new float[0]; // (groups, d) dL/dm summed over a group's rows
  private float[] shareSum = new float[0]; // (groups) the budget's lookup shares summed likewise
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
    this.params = params;
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

  /**
   * Sets what training does in the coming round: {@code open} keeps every value at d dims and trains no AML (the
   * first stage of two: FBE on the same rows), otherwise the masks select with temperature {@code temperature}.
   * Inference always selects (argmax, which T does not change).
   */
  public void setRound(boolean open, double temperature) {
    this.open = open;
    this.temperature = (float) temperature;
  }

  /** Whether training forwards keep every dim this round (a warm-up round). */
  public boolean open() {
    return open;
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
    if (open && training) {
      Arrays.fill(mask, 0, n * dim, 1f);
      return;
    }
    groupRows(ids, n);
    int g = groups;
    features.copyOneHotTo(firstRow, g, hot, tail);
    for (int k = 0; k < g; k++) {
      a[k] = lAml == null ? 1f : tail[k * FrequencyFeatures.TAIL]; // a_i = u_i
    }
    mixedLogits(hot, tail, g, z);
    Softmax.get().rows(z, g, dim, temperature, probs);
    for (int k = 0; k < g; k++) {
      kept[k] = argmax(probs, k * dim, dim) + 1;
    }
    boolean hard = ste || !training;
    for (int i = 0; i < n; i++) {
      if (hard) {
        prefixMask(kept[groupOf[i]], mask, i * dim, dim);
      } else {
        maskFromSelection(probs, groupOf[i] * dim, dim, mask, i * dim);
      }
    }
  }

  // rows -> groupOf, firstRow, groups: the rows' distinct counts in first-seen order (OOV a group of its own)
  private void groupRows(int[] ids, int n) {
    if (groupOf.length < n) {
      groupOf = new int[n];
      firstRow = new int[n];
      hot = new int[n];
      a = new float[n];
      kept = new int[n];
      shareSum = new float[n];
      tail = new float[n * FrequencyFeatures.TAIL];
    }
    if (z.length < n * dim) {
      z = new float[n * dim];
      probs = new float[n * dim];
      dmaskSum = new float[n * dim];
      dzh = new float[n * dim];
      dzl = new float[n * dim];
    }
    groupIndex.clear(n);
    groups = 0;
    for (int i = 0; i < n; i++) {
      long key = ids[i] == FieldVocabulary.OOV ? -1 : features.count(ids[i]);
      int g = groupIndex.putIfAbsent(key, groups);
      if (g == groups) {
        firstRow[groups++] = ids[i];
      }
      groupOf[i] = g;
    }
  }

  // dmask: (n, d), lookup weights: (n) -> AML parameter gradients. The rows of a group share z, so its gradient is
  // the sum of theirs: dL/dt is linear in dL/dm and the budget, so both are summed first and the softmax backward
  // runs once per group.
  public void backward(float[] dmask, float[] lookupWeights) {
    if (open) {
      return; // the forward kept every dim: nothing reached the AMLs
    }
    int g = groups;
    Arrays.fill(dmaskSum, 0, g * dim, 0f);
    Arrays.fill(shareSum, 0, g, 0f);
    Gemm gemm = Gemm.get();
    for (int i = 0; i < n; i++) {
      gemm.axpy(1f, dmask, i * dim, dmaskSum, groupOf[i] * dim, dim); // fma(1, x, y) rounds as y + x does
      shareSum[groupOf[i]] += budgetPerRow ? lookupWeights[i] * features.inverseFrequency(ids[i]) : lookupWeights[i];
    }
    for (int k = 0; k < g; k++) {
      int o = k * dim;
      selectionBackward(dmaskSum, probs, o, dim, temperature, budgetLambda * shareSum[k], dzh); // dz, scaled below
      for (int j = 0; j < dim; j++) {
        dzl[o + j] = (1f - a[k]) * dzh[o + j];
        dzh[o + j] = a[k] * dzh[o + j];
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
    int[] dims = new int[rows];
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
        dims[start + i] = kept[groupOf[i]];
      }
    }
    return dims;
  }

  /**
   * The logits z of every tie group of the whole field and of the OOV row, without any row: the features are a
   * function of the count, so this is what every row of the field would get, from the field's statistics alone (a
   * model over a slice of the field, as a sharded run's driver holds, gives the same). Runs the AMLs, so call it
   * outside a forward/backward pair.
   */
  public GroupLogits groupLogits(double rareFirst) {
    org.amtl.core.data.CountGroups g = features.groups();
    int m = g.size() + 1;
    int[] groupHot = new int[m];
    float[] groupTail = new float[m * FrequencyFeatures.TAIL];
    long[] rows = new long[m];
    for (int k = 0; k < g.size(); k++) {
      features.copyOneHotOfCount(g.count(k), false, k, groupHot, groupTail);
      rows[k] = g.rows(k);
    }
    features.copyOneHotOfCount(0, true, g.size(), groupHot, groupTail);
    rows[g.size()] = 1;
    float[] logits = new float[m * dim];
    mixedLogits(groupHot, groupTail, m, logits);
    double[] weights = new double[m];
    for (int k = 0; k < m; k++) {
      weights[k] = priceWeight(groupTail[k * FrequencyFeatures.TAIL], rareFirst);
    }
    return new GroupLogits(dim, logits, rows, weights);
  }

  // what a value of mixing weight a pays per unit of price: a * 1 + (1 - a) * (1 + rareFirst), as addPrice sets it,
  // written so that rareFirst 0 gives exactly 1 (a float 1 - a would round)
  private double priceWeight(float a, double rareFirst) {
    return lAml == null ? 1 : 1 + rareFirst * (1.0 - a);
  }

  // s in the sparse form (m rows) -> z = a hAML(s) + (1 - a) lAML(s), a = u (tail's first value); hAML(s) alone
  private void mixedLogits(int[] hotIn, float[] tailIn, int m, float[] out) {
    float[] zh = hAml.forwardOneHot(hotIn, tailIn, FrequencyFeatures.TAIL, m);
    if (lAml == null) {
      System.arraycopy(zh, 0, out, 0, m * dim);
      return;
    }
    float[] zl = lAml.forwardOneHot(hotIn, tailIn, FrequencyFeatures.TAIL, m); // own buffers: zh stays valid
    for (int k = 0; k < m; k++) {
      float ak = tailIn[k * FrequencyFeatures.TAIL];
      for (int j = 0; j < dim; j++) {
        int o = k * dim + j;
        out[o] = ak * zh[o] + (1f - ak) * zl[o];
      }
    }
  }

  /**
   * The logits (groups, d) of a field's tie groups and the OOV row (last), how many rows each stands for, and what
   * each pays per unit of price (1 for all unless the price falls on rare values first).
   */
  public record GroupLogits(int dim, float[] logits, long[] rows, double[] weights) {
    /** The dims group {@code g} keeps when its logit of position l is lowered by price * weight * (l + 1). */
    public int kept(int g, double price) {
      double own = price * weights[g];
      int best = 0;
      double max = logits[g * dim] - own;
      for (int l = 1; l < dim; l++) {
        double v = logits[g * dim + l] - own * (l + 1);
        if (v > max) {
          best = l;
          max = v;
        }
      }
      return best + 1;
    }

    /** The floats the field keeps at that price: sum over groups of rows x kept dims. */
    public long keptFloats(double price) {
      long kept = 0;
      for (int g = 0; g < rows.length; g++) {
        kept += rows[g] * kept(g, price);
      }
      return kept;
    }
  }

  /**
   * Lowers the logit of "keep l + 1 dims" by price * (l + 1), through the output bias of each AML: the h-AML's by
   * price, the l-AML's by (1 + rareFirst) * price, so z = a hAML + (1 - a) lAML moves by price * (1 + rareFirst *
   * (1 - a)): with rareFirst 0 every value pays the same, with rareFirst > 0 rare values (small a) pay more and give
   * up dims first. A price on storage that the model carries, so every later forward, the published table and the
   * scorer see it without a new parameter.
   */
  public void addPrice(double price, double rareFirst) {
    for (Mlp aml : lAml == null ? List.of(hAml) : List.of(hAml, lAml)) {
      double own = aml == hAml ? price : price * (1 + rareFirst);
      DenseParams.Tensor bias = aml.layers().get(aml.layers().size() - 1).bias();
      for (int l = 0; l < dim; l++) {
        params.values()[bias.offset() + l] -= (float) (own * (l + 1));
      }
    }
  }

  /** Softmax selection probabilities of the last forward's rows, (n, d); for tests and diagnostics. */
  float[] probabilities() {
    float[] rows = new float[n * dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(probs, groupOf[i] * dim, rows, i * dim, dim);
    }
    return rows;
  }

  /** Number of groups (distinct counts) in the last forward: the rows the AMLs ran on; for tests. */
  int groups() {
    return groups;
  }

  // t: (d) at off -> mask: (d), m_j = sum_{l >= j} t_l
  public static void maskFromSelection(float[] t, int off, int d, float[] mask) {
    maskFromSelection(t, off, d, mask, off);
  }

  // t: (d) at off -> mask: (d) at maskOff
  static void maskFromSelection(float[] t, int off, int d, float[] mask, int maskOff) {
    float acc = 0f;
    for (int j = d - 1; j >= 0; j--) {
      acc += t[off + j];
      mask[maskOff + j] = acc;
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
    if (temperature == 1f) { // x / 1 is x: the same floats without a division per element
      for (int l = 0; l < d; l++) {
        dz[off + l] = probs[off + l] * (dz[off + l] - dot);
      }
      return;
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
      float x = v[off + j];
      boolean above = x > max; // selects rather than branches: which position wins is as good as random
      best = above ? j : best;
      max = above ? x : max;
    }
    return best;
  }

  /** Open addressing from a count to its group, cleared per batch; keys are counts or -1, never Long.MIN_VALUE. */
  private static final class CountIndex {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys = new long[0];
    private int[] values = new int[0];
    private int mask;

    void clear(int n) {
      int capacity = Integer.highestOneBit(Math.max(4, n) * 2 - 1) << 1; // a power of two of at least 2n
      if (keys.length < capacity) {
        keys = new long[capacity];
        values = new int[capacity];
      }
      mask = capacity - 1;
      Arrays.fill(keys, 0, capacity, EMPTY);
    }

    // the value of key, or value after storing it when key was absent
    int putIfAbsent(long key, int value) {
      int slot = (int) (key * 0x9E3779B97F4A7C15L >>> 40) & mask;
      while (keys[slot] != EMPTY) {
        if (keys[slot] == key) {
          return values[slot];
        }
        slot = (slot + 1) & mask;
      }
      keys[slot] = key;
      values[slot] = value;
      return value;
    }
  }
}

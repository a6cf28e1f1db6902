package org.amtl.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.Batch;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.FrequencyFeatures;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.layers.DenseParams;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.layers.FieldEmbedding;
import org.amtl.core.layers.LogisticLoss;
import org.amtl.core.layers.Mlp;
import org.amtl.core.optim.Adagrad;
import org.amtl.core.optim.DenseOptimizer;
import org.amtl.core.optim.Optimizers;

/**
 * A CTR model: one {@link FieldEmbedding} per field, built by its {@link EmbeddingVariant}, under a {@link Head}
 * (DNN, DeepFM, Wide&amp;Deep) built by its {@link HeadType}, with the {@link Optimizers} of its configuration. One
 * training step is forward -> loss -> backward -> optimizer step.
 * <pre>
 *   E = [emb_1(x_1) | ... | emb_F(x_F)]            (B, F*d)
 *   logit = MLP(E) [+ sum_f w_f(x_f)] [+ FM(E)]      wide/first-order term for DeepFM and Wide&amp;Deep, FM for DeepFM
 * </pre>
 */
public final class CtrModel {
  private final AmtlConfig config;
  private final Vocabulary vocabulary;
  private final int fields;
  private final int dim;
  private final DenseParams params;
  private final List<FieldEmbedding> embeddings = new ArrayList<>();
  private final List<FrequencyFeatures> frequency = new ArrayList<>();
  private final Head head;
  private final List<EmbeddingTable> tables = new ArrayList<>();
  private final List<EmbeddingTable> trainableTables = new ArrayList<>();
  private final DenseOptimizer denseOptimizer;
  private final Adagrad rowOptimizer;

  private int batch;
  private float[] embedded = new float[0]; // (B, F*d)
  private float[] logits = new float[0];
  private float[] dlogits = new float[0];

  public CtrModel(AmtlConfig config, Vocabulary vocabulary) {
    this(config, vocabulary, true);
  }

  /**
   * A model that only predicts (a table's scorer): its rows get no optimizer accumulators until something asks for
   * them, which halves the memory of its tables.
   */
  public static CtrModel forInference(AmtlConfig config, Vocabulary vocabulary) {
    return new CtrModel(config, vocabulary, false);
  }

  private CtrModel(AmtlConfig config, Vocabulary vocabulary, boolean trains) {
    this.config = config.validate();
    this.vocabulary = vocabulary;
    this.fields = vocabulary.numFields();
    this.dim = config.getInt(Keys.DIM);
    long seed = config.get(Keys.SEED);
    this.params = new DenseParams(seed, config.get(Keys.KERNELS));
    EmbeddingVariant variant = config.get(Keys.EMBEDDING);
    HeadType headType = config.get(Keys.HEAD);
    double initScale = config.getDouble(Keys.EMBEDDING_INIT);
    for (int f = 0; f < fields; f++) {
      FieldVocabulary fv = vocabulary.field(f);
      if (fv.isSlice() && !variant.trainsOnSlices()) {
        throw new IllegalArgumentException(Keys.EMBEDDING.name() + "=" + variant.key() + " does not train on a slice "
            + "of a field's rows (field '" + fv.name() + "'): its rows share parameters laid out over the whole field");
      }
      String name = "field" + f;
      FrequencyFeatures ff = FrequencyFeatures.of(fv, config.getInt(Keys.FREQUENCY_BUCKETS));
      frequency.add(ff);
      FieldEmbedding emb = variant.create(new EmbeddingVariant.Field(config, params, name, fv, ff, dim, initScale,
          seed));
      embeddings.add(emb);
      tables.addAll(emb.tables());
      if (config.getBoolean(Keys.EMBEDDING_TRAINABLE)) {
        trainableTables.addAll(emb.tables());
      }
    }
    this.head = headType.create(params, vocabulary, dim, config.get(Keys.HIDDEN), seed);
    tables.addAll(head.tables()); // first-order weights train whatever model.embedding.trainable says
    trainableTables.addAll(head.tables());
    if (trains) {
      float acc0 = (float) config.getDouble(Keys.EMB_INITIAL_ACC);
      for (EmbeddingTable t : tables) {
        t.fillAccumulators(acc0);
      }
    }
    Optimizers optimizers = Optimizers.of(config, params.size());
    this.denseOptimizer = optimizers.dense();
    this.rowOptimizer = optimizers.rows();
  }

  /** AutoEmb candidates: the configured dims (validated <= d), ascending, plus d. */
  static int[] autoEmbCandidates(AmtlConfig config, int dim) {
    TreeSet<Integer> set = new TreeSet<>();
    for (int c : config.get(Keys.AUTOEMB_CANDIDATES)) {
      set.add(c);
    }
    set.add(dim);
    return set.stream().mapToInt(Integer::intValue).toArray();
  }

  // batch -> logits: (B)
  public float[] forward(Batch batch, boolean training) {
    if (batch.numFields() != fields) {
      throw new IllegalArgumentException("batch has " + batch.numFields() + " fields (expected " + fields + ")");
    }
    int b = batch.size();
    this.batch = b;
    int row = fields * dim;
    if (embedded.length < b * row) {
      embedded = new float[b * row];
    }
    if (logits.length < b) {
      logits = new float[b];
      dlogits = new float[b];
    }
    for (int f = 0; f < fields; f++) {
      embeddings.get(f).forward(batch.offsets(f), batch.ids(f), b, embedded, f * dim, row, training);
    }
    System.arraycopy(head.forward(batch, embedded, training), 0, logits, 0, b);
    return logits;
  }

  // dlogits: (B) -> gradients of every parameter (added)
  public void backward(float[] dlogits) {
    int row = fields * dim;
    float[] dEmbedded = head.backward(dlogits);
    for (int f = 0; f < fields; f++) {
      embeddings.get(f).backward(dEmbedded, f * dim, row);
    }
  }

  /** One optimisation step on a batch; returns the batch's mean loss before the step. */
  public double trainStep(Batch batch) {
    zeroGrad();
    float[] z = forward(batch, true);
    double loss = LogisticLoss.forward(z, batch.labels(), batch.size());
    LogisticLoss.backward(z, batch.labels(), batch.size(), dlogits);
    backward(dlogits);
    denseOptimizer.step(params);
    for (EmbeddingTable t : trainableTables) {
      rowOptimizer.step(t);
    }
    return loss;
  }

  /** Predicted click probabilities (inference mode: hard masks, argmax candidates). */
  public float[] predict(Batch batch) {
    float[] z = forward(batch, false);
    float[] p = new float[batch.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = LogisticLoss.sigmoid(z[i]);
    }
    return p;
  }

  public void zeroGrad() {
    params.zeroGrad();
    for (EmbeddingTable t : tables) {
      t.zeroGrad();
    }
  }

  public AmtlConfig config() {
    return config;
  }

  /**
   * Readies AMTL's masks for training round {@code round} (0-based, over all epochs) as {@link MaskSchedule} says:
   * warm-up or not, and the round's temperature. Training tasks call it before they train; inference ignores it.
   */
  public void enterRound(int round) {
    MaskSchedule schedule = MaskSchedule.of(config);
    for (FieldEmbedding e : embeddings) {
      if (e instanceof org.amtl.core.layers.AmtlEmbedding amtl) {
        amtl.mask().setRound(schedule.open(round), schedule.temperature(round));
      }
    }
  }

  /** Field f's frequency features (vocabulary counts in frequency.buckets buckets), built once with the model. */
  public FrequencyFeatures frequencyFeatures(int f) {
    return frequency.get(f);
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  public int dim() {
    return dim;
  }

  public int numFields() {
    return fields;
  }

  public DenseParams params() {
    return params;
  }

  public Mlp mlp() {
    return head.mlp();
  }

  public FieldEmbedding embedding(int field) {
    return embeddings.get(field);
  }

  /** Every embedding table (field embeddings, then wide weights), in a fixed order. */
  public List<EmbeddingTable> tables() {
    return List.copyOf(tables);
  }

  /** The first-order (wide) weight tables of DeepFM and Wide&amp;Deep, one per field; empty for DNN. */
  public List<EmbeddingTable> wideTables() {
    return head.tables();
  }

  /**
   * Bytes of the parameters and their optimizer state: dense values with the optimizer's per-parameter state
   * (two moments for Adam), and every table's rows with their Adagrad accumulators. What a training copy must hold.
   */
  public long parameterAndOptimizerBytes() {
    long dense = (long) params.size() * (1 + denseOptimizer.state().length);
    long rows = 0;
    for (EmbeddingTable t : tables) {
      rows += 2L * t.rows() * t.width();
    }
    return Float.BYTES * (dense + rows);
  }

  public DenseOptimizer denseOptimizer() {
    return denseOptimizer;
  }

  /** Rows per field (vocabulary plus OOV). */
  public int[] rowsPerField() {
    int[] rows = new int[fields];
    for (int f = 0; f < fields; f++) {
      rows[f] = vocabulary.field(f).rows();
    }
    return rows;
  }

  /** Per field, the dims each row keeps (what a pruned table stores). */
  public int[][] keptDims() {
    int[][] k = new int[fields][];
    for (int f = 0; f < fields; f++) {
      k[f] = embeddings.get(f).keptDims();
    }
    return k;
  }

  /** Embedding storage of the pruned tables against fixed-size tables of the same vocabulary and d. */
  public Storage storage() {
    long[] kept = new long[fields];
    long[] fixed = new long[fields];
    for (int f = 0; f < fields; f++) {
      kept[f] = embeddings.get(f).storedFloats();
      fixed[f] = (long) vocabulary.field(f).rows() * dim;
    }
    return new Storage(kept, fixed, params.size());
  }

  /** Copy of all trainable state (every row). */
  public ModelState snapshot() {
    return ModelState.capture(this, false);
  }

  /** Copy of dense state and only the rows changed since {@link #clearTouched()}: a partition's contribution. */
  public ModelState snapshotTouched() {
    return ModelState.capture(this, true);
  }

  /** Loads state: all dense values, and the rows the state holds. */
  public void load(ModelState state) {
    state.applyTo(this);
  }

  public void clearTouched() {
    for (EmbeddingTable t : tables) {
      t.clearTouched();
    }
  }
}

package org.amtl.core.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.FrequencyFeatures;
import org.amtl.core.layers.AmtlEmbedding;
import org.amtl.core.layers.AmtlMask;
import org.amtl.core.layers.AutoEmbEmbedding;
import org.amtl.core.layers.DenseParams;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.layers.FieldEmbedding;
import org.amtl.core.layers.FixedEmbedding;
import org.amtl.core.layers.MdeEmbedding;

/**
 * How field values become vectors: the one registry of the embedding variants. Each variant builds a field's
 * embedding layer and says what its published table holds: how a row's stored vector becomes the model's d-vector
 * ({@link StoredRow}: a prefix, so a model can hot-start from it, or projected by a block or a candidate) and
 * whether rows differ in dim (a dim byte per row in the storage count). The experiments' ablations of a variant are named here too ({@link #experimentVariants}).
 * Adding a variant: its layer class, and a constant here (docs/amtl-core.md, "Adding an embedding variant").
 */
public enum EmbeddingVariant {
  /** Fixed-size embeddings: every value keeps d dims. */
  FBE("fixed size d", StoredRow.PREFIX, false, true) {
    @Override
    FieldEmbedding create(Field f) {
      return new FixedEmbedding(f.table());
    }
  },
  /** Adaptively-masked twins-based layer: each value keeps a learned prefix of k_i dims. */
  AMTL("masked, self-sizing", StoredRow.PREFIX, true, true) {
    @Override
    FieldEmbedding create(Field f) {
      AmtlConfig c = f.config();
      return new AmtlEmbedding(f.table(), new AmtlMask(f.params(), f.name(), f.features(), f.dim(),
          new AmtlMask.Settings(c.getInt(Keys.AML_HIDDEN), c.getBoolean(Keys.TWINS), c.getBoolean(Keys.STE),
              c.getDouble(Keys.TEMPERATURE), c.getDouble(Keys.BUDGET_LAMBDA),
              c.get(Keys.BUDGET_PER) == Keys.BudgetUnit.ROW, c.getDouble(Keys.INIT_FULL_DIM_BIAS))));
    }
  },
  /** Mixed dimension embeddings: dims by frequency block, with projections to d. */
  MDE("mixed dimensions by frequency block", StoredRow.PROJECTED, true, false) {
    @Override
    FieldEmbedding create(Field f) {
      return new MdeEmbedding(f.params(), f.name(), f.vocab().counts(), f.dim(), f.config().getInt(Keys.MDE_BLOCKS),
          f.config().getDouble(Keys.MDE_ALPHA), f.initScale(), f.seed());
    }
  },
  /** AutoEmb: soft search over candidate dims, argmax kept. */
  AUTOEMB("soft search over candidate dims", StoredRow.PROJECTED, true, false) {
    @Override
    FieldEmbedding create(Field f) {
      return new AutoEmbEmbedding(f.params(), f.name(), f.features(), CtrModel.autoEmbCandidates(f.config(), f.dim()),
          f.dim(), f.config().getInt(Keys.AUTOEMB_HIDDEN), f.initScale(), f.seed());
    }
  };

  /** What a variant builds one field's embedding from. */
  record Field(AmtlConfig config, DenseParams params, String name, FieldVocabulary vocab, FrequencyFeatures features,
      int dim, double initScale, long seed) {
    /** The field's table of d-wide rows, named {@code <name>.emb}. */
    EmbeddingTable table() {
      return new EmbeddingTable(name + ".emb", vocab.rows(), dim, initScale, seed, vocab.globalRows());
    }
  }

  /** How a published row becomes the d-vector the model used for that value. */
  public enum StoredRow {
    /** The row is the vector's leading k dims; the model's d-vector is the row padded with zeros. */
    PREFIX,
    /**
     * The row is the value's own vector in its block's (MDE) or chosen candidate's (AutoEmb) width; the model's
     * d-vector is that row times the block's or candidate's projection, a dense tensor of the model.
     */
    PROJECTED
  }

  private final String summary;
  private final StoredRow storedRow;
  private final boolean dimPerRow;
  private final boolean trainsOnSlices;

  EmbeddingVariant(String summary, StoredRow storedRow, boolean dimPerRow, boolean trainsOnSlices) {
    this.summary = summary;
    this.storedRow = storedRow;
    this.dimPerRow = dimPerRow;
    this.trainsOnSlices = trainsOnSlices;
  }

  /** Builds one field's embedding layer. */
  abstract FieldEmbedding create(Field field);

  /** The name in configuration and manifests: {@code fbe}, {@code amtl}, ... */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** How a published row of this variant becomes the model's d-vector. */
  public StoredRow storedRow() {
    return storedRow;
  }

  /**
   * Whether a model of this variant can start from a table of such a variant: only when a published row is the
   * leading dims of the model's d-vector, since a projected row means nothing outside its own model.
   */
  public boolean hotStarts() {
    return storedRow == StoredRow.PREFIX;
  }

  /**
   * Whether a model over a slice of the rows ({@code Vocabulary.slice}) trains them as the whole model would: true
   * when a row's parameters are its own (MDE's blocks and AutoEmb's candidates are laid out over the whole field).
   */
  public boolean trainsOnSlices() {
    return trainsOnSlices;
  }

  /** Whether rows differ in dim, so the table stores a dim byte per row beside the floats. */
  public boolean dimPerRow() {
    return dimPerRow;
  }

  /** The variant named {@code key} in a manifest, or null for a name no variant has. */
  public static EmbeddingVariant byKey(String key) {
    return Arrays.stream(values()).filter(v -> v.key().equals(key)).findFirst().orElse(null);
  }

  /** The variants that hot-start, by key: "fbe or amtl". */
  public static String hotStartingKeys() {
    return Arrays.stream(values()).filter(EmbeddingVariant::hotStarts).map(EmbeddingVariant::key)
        .collect(Collectors.joining(" or "));
  }

  /** Every variant with its summary, for the configuration reference: "fbe (fixed size d), amtl (...), ...". */
  public static String describeAll() {
    return Arrays.stream(values()).map(v -> v.key() + " (" + v.summary + ")").collect(Collectors.joining(", "));
  }

  /**
   * The variants an experiment arm may name, each as the settings that select it: every variant by its key, and the
   * AMTL ablations {@code amtl-single} (one AML instead of twins) and {@code amtl-soft} (soft mask, no
   * straight-through estimator).
   */
  public static Map<String, Map<String, String>> experimentVariants() {
    Map<String, Map<String, String>> named = new LinkedHashMap<>();
    for (EmbeddingVariant v : values()) {
      named.put(v.key(), Map.of(Keys.EMBEDDING.name(), v.key()));
    }
    named.put("amtl-single", Map.of(Keys.EMBEDDING.name(), AMTL.key(), Keys.TWINS.name(), "false"));
    named.put("amtl-soft", Map.of(Keys.EMBEDDING.name(), AMTL.key(), Keys.STE.name(), "false"));
    return named;
  }
}

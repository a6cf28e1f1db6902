package org.amtl.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.config.Redaction;
import org.amtl.core.data.Batch;
import org.amtl.core.data.Example;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.layers.DenseParams;
import org.amtl.core.layers.FieldEmbedding;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.EmbeddingVariant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The model of a published table, for scoring without Spark: the click probability of an example and the d-vector
 * each (field, value) contributed, as the training job's evaluation computed them.
 *
 * <p>The model is rebuilt from the table alone: its configuration from the manifest, each field's vocabulary from
 * its rows (values and counts in row-id order, which also give the frequency features the AMLs and AutoEmb's
 * controller read), every stored vector put back where the model keeps it, and every dense tensor. Inference needs
 * nothing the table drops: MDE's block follows from the row id and AutoEmb's candidate from the row's dim, and an
 * AMTL table is served as fixed-size rows (its inference mask is 1 up to a row's dim and 0 beyond, so the masked
 * embedding is the stored vector padded with zeros: the AMLs do not run). Scores are bit-identical to the job's
 * evaluation of the same examples.
 *
 * <p>Memory: the model's tables at full width (4 d bytes a row, no optimizer state) and each field's values and
 * their index, plus, while loading, the table's rows as read. Not thread-safe: a scorer per thread.
 */
public final class TableScorer {
  private final CtrModel model;
  private final List<String> fields;
  private final List<Boolean> listFields;

  private TableScorer(CtrModel model, List<String> fields, List<Boolean> listFields) {
    this.model = model;
    this.fields = fields;
    this.listFields = listFields;
  }

  /**
   * Loads the table under {@code dir} (a published run's folder): each field's values and counts first (a pass that
   * reads no vectors), then the model, then every row's vector streamed into its place.
   */
  public static TableScorer load(Path dir, Configuration conf) throws IOException {
    try (TableReader table = TableReader.open(dir, conf)) {
      AmtlConfig recorded = configOf(table.manifest(), dir);
      // AMTL's inference mask keeps a row's first dim entries and zeroes the rest, which is the stored vector padded
      // with zeros: served as fixed-size rows, the AMLs never run at inference (the paper's point)
      AmtlConfig config = recorded.get(Keys.EMBEDDING) == EmbeddingVariant.AMTL
          ? recorded.with(Keys.EMBEDDING, EmbeddingVariant.FBE) : recorded;
      List<String> fields = table.fields();
      List<FieldVocabulary> vocab = new ArrayList<>();
      for (int f = 0; f < fields.size(); f++) {
        String field = fields.get(f);
        int rows = table.manifest().path("fields").get(f).path("rows").asInt();
        String[] values = new String[rows - 1];
        long[] counts = new long[rows];
        int[] seen = {0};
        table.forEachRow(field, false, (id, value, count, vector, weight) -> {
          if (id >= rows) {
            throw new IOException(shown(dir) + ": field '" + field + "' has more rows than its manifest's " + rows);
          }
          seen[0]++;
          counts[id] = count;
          if (id > 0) {
            values[id - 1] = value;
          }
        });
        if (seen[0] != rows) {
          throw new IOException(shown(dir) + ": field '" + field + "' has " + seen[0] + " rows (manifest: " + rows
              + ")");
        }
        vocab.add(FieldVocabulary.ofRows(field, values, counts));
      }
      CtrModel model = CtrModel.forInference(config, new Vocabulary(vocab));
      for (int f = 0; f < fields.size(); f++) {
        FieldEmbedding embedding = model.embedding(f);
        float[] wide = model.wideTables().isEmpty() ? null : model.wideTables().get(f).values();
        float[] versionOne = wide == null ? null : table.versionOneWeights(fields.get(f));
        String field = fields.get(f);
        table.forEachRow(field, true, (id, value, count, vector, weight) -> {
          embedding.restoreStoredVector(id, vector);
          if (wide != null) {
            if (Float.isNaN(weight) && versionOne == null) {
              throw new IOException(shown(dir) + ": field '" + field + "' has no first-order weights, which its "
                  + config.get(Keys.HEAD).name().toLowerCase(java.util.Locale.ROOT) + " head needs");
            }
            wide[id] = versionOne != null ? versionOne[id] : weight;
          }
        });
      }
      restoreDense(model.params(), table.denseTensors(), dir);
      List<Boolean> lists = new ArrayList<>();
      table.manifest().path("fields").forEach(e -> lists.add(e.path("list").asBoolean(false)));
      return new TableScorer(model, fields, lists);
    }
  }

  /** The run's configuration, from the manifest (keys this version does not know, and redacted ones, skipped). */
  static AmtlConfig configOf(JsonNode manifest, Path dir) {
    JsonNode recorded = manifest.path("config");
    if (!recorded.isObject() || recorded.isEmpty()) {
      throw new IllegalArgumentException(shown(dir) + ": the manifest records no configuration");
    }
    Properties props = new Properties();
    for (Iterator<Map.Entry<String, JsonNode>> it = recorded.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String value = e.getValue().asText();
      if (Keys.all().containsKey(e.getKey()) && !value.equals(Redaction.HIDDEN)) {
        props.setProperty(e.getKey(), value);
      }
    }
    return AmtlConfig.defaults().withAll(props).validate();
  }

  /** Copies every dense tensor of the model from the table; fails naming one the table lacks or shapes otherwise. */
  private static void restoreDense(DenseParams params, Map<String, TableReader.DenseTensor> dense, Path dir)
      throws IOException {
    for (DenseParams.Tensor t : params.tensors()) {
      TableReader.DenseTensor src = dense.get(t.name());
      if (src == null || src.rows() != t.rows() || src.cols() != t.cols()) {
        throw new IOException(shown(dir) + ": dense tensor '" + t.name() + "' " + (src == null ? "is missing"
            : "is " + src.rows() + " x " + src.cols()) + " (the model needs " + t.rows() + " x " + t.cols() + ")");
      }
      System.arraycopy(src.values(), 0, params.values(), t.offset(), t.size());
    }
  }

  /** Field names in the table's order. */
  public List<String> fields() {
    return fields;
  }

  /** The model's max dim d. */
  public int dim() {
    return model.dim();
  }

  /**
   * The click probability of one example: per field name its value (a String) or, for a list field, its values (a
   * Collection of Strings, mean-pooled). A missing field, null or a value the table does not know takes the field's
   * out-of-vocabulary row, as in training; a field the table does not have is an error.
   */
  public float predict(Map<String, ?> example) {
    return predict(List.of(example))[0];
  }

  /** The click probabilities of several examples, in order (one forward pass). */
  public float[] predict(List<? extends Map<String, ?>> examples) {
    List<Example> encoded = new ArrayList<>(examples.size());
    for (Map<String, ?> ex : examples) {
      encoded.add(encode(ex));
    }
    return model.predict(Batch.of(encoded, model.rowsPerField()));
  }

  /** Row ids of an example, as the job encodes it; the label is unused. */
  Example encode(Map<String, ?> example) {
    for (String name : example.keySet()) {
      if (!fields.contains(name)) {
        throw new IllegalArgumentException("field '" + name + "' is not in the table (fields: " + fields + ")");
      }
    }
    Object[] values = new Object[fields.size()];
    for (int f = 0; f < values.length; f++) {
      values[f] = example.get(fields.get(f));
    }
    return encode(values);
  }

  /**
   * The click probabilities of examples given by field index ({@code values[f]} for {@link #fields()}.get(f): a
   * String, a Collection of Strings for a list field, or null), in order.
   */
  public float[] predictByIndex(List<Object[]> examples) {
    List<Example> encoded = new ArrayList<>(examples.size());
    for (Object[] values : examples) {
      encoded.add(encode(values));
    }
    return model.predict(Batch.of(encoded, model.rowsPerField()));
  }

  private Example encode(Object[] values) {
    if (values.length != fields.size()) {
      throw new IllegalArgumentException(values.length + " values (expected one per field: " + fields + ")");
    }
    int[][] ids = new int[fields.size()][];
    for (int f = 0; f < fields.size(); f++) {
      FieldVocabulary vocab = model.vocabulary().field(f);
      Object value = values[f];
      if (value instanceof Collection<?> list) {
        ids[f] = list.stream().mapToInt(v -> vocab.idOf(v == null ? null : v.toString())).toArray();
      } else if (listFields.get(f)) { // a list field given one value or none: a list of that one, or empty
        ids[f] = value == null ? new int[0] : new int[] {vocab.idOf(value.toString())};
      } else {
        ids[f] = new int[] {vocab.idOf(value == null ? null : value.toString())};
      }
    }
    return new Example(0f, ids);
  }

  /** The d-vector the model used for {@code value} of {@code field} (inference: hard masks, argmax candidates). */
  public float[] embed(String field, String value) {
    int f = fields.indexOf(field);
    if (f < 0) {
      throw new IllegalArgumentException("field '" + field + "' is not in the table (fields: " + fields + ")");
    }
    int id = model.vocabulary().field(f).idOf(value);
    float[] out = new float[model.dim()];
    model.embedding(f).forward(new int[] {0, 1}, new int[] {id}, 1, out, 0, out.length, false);
    return out;
  }

  /** The rebuilt model (for evaluation over encoded examples). */
  public CtrModel model() {
    return model;
  }

  private static String shown(Path dir) {
    return "table " + Redaction.redactUris(dir.toString());
  }
}

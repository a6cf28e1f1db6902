package org.amtl.core.table;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.layers.DenseParams;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.EmbeddingVariant;
import org.apache.hadoop.fs.Path;

/**
 * Starts a model from a published table (docs/method.md, "Hot start"). Rows of values the table knows take
 * its stored vector in their first dims (dims beyond the old kept dim keep their fresh initialisation); values new
 * since get fresh rows; dense tensors with the same name and shape are copied (an FBE table brings no AMLs, so an
 * AMTL model starting from it gets fresh ones); first-order weights follow their values. Optimizer state starts
 * fresh: the table does not store it. Works between FBE and AMTL tables and models, which store leading dims.
 */
public final class HotStart {
  /** What was carried over. */
  public record Result(long rowsCopied, long rowsFresh, int tensorsCopied, int tensorsFresh) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d rows from the table, %d fresh; %d dense tensors from the table, %d fresh",
          rowsCopied, rowsFresh, tensorsCopied, tensorsFresh);
    }
  }

  private HotStart() {}

  /** Opens a hot-start table after checking it against its manifest; errors name the path and the problems. */
  public static TableReader open(Path dir, org.apache.hadoop.conf.Configuration conf) throws IOException {
    String where = where(dir);
    List<String> problems;
    try {
      problems = Manifest.verify(dir, conf);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + " is not a published table: " + e.getMessage(), e);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(where + " does not match its manifest: " + problems);
    }
    return TableReader.open(dir, conf);
  }

  private static String where(Path dir) {
    return "hot-start table " + dir + " (config key '" + Keys.HOT_START.name() + "')";
  }

  /** Copies an opened table into {@code model}; errors say what does not fit (fields, dim, variants). */
  public static Result apply(CtrModel model, Path dir, TableReader table) throws IOException {
    String where = where(dir);
    List<String> fields = model.vocabulary().fields().stream().map(FieldVocabulary::name).toList();
    if (!table.fields().equals(fields)) {
      throw new IllegalArgumentException(where + " has fields " + table.fields() + " (expected " + fields + ")");
    }
    if (table.maxDim() != model.dim()) {
      throw new IllegalArgumentException(where + " has max dim " + table.maxDim() + " (expected model.dim = "
          + model.dim() + ")");
    }
    String source = table.manifest().path("model").path("embedding").asText();
    EmbeddingVariant sourceVariant = EmbeddingVariant.byKey(source);
    EmbeddingVariant target = model.config().get(Keys.EMBEDDING);
    if (sourceVariant == null || !sourceVariant.hotStarts() || !target.hotStarts()) {
      throw new IllegalArgumentException(where + " holds " + source + " embeddings and the model is "
          + target.key() + " (expected " + EmbeddingVariant.hotStartingKeys() + " on both sides)");
    }
    long copied = 0;
    long fresh = 0;
    Map<String, TableReader.DenseTensor> dense = table.denseTensors();
    List<EmbeddingTable> wide = model.wideTables();
    for (int f = 0; f < fields.size(); f++) {
      FieldVocabulary vocab = model.vocabulary().field(f);
      TableReader.FieldRows old = table.field(fields.get(f));
      EmbeddingTable rows = model.embedding(f).tables().get(0);
      boolean weights = !wide.isEmpty() && old.hasWeights();
      for (int id = 0; id < vocab.rows(); id++) {
        int oldId = id == FieldVocabulary.OOV ? FieldVocabulary.OOV : old.idOf(vocab.value(id));
        if (id != FieldVocabulary.OOV && oldId == FieldVocabulary.OOV) {
          fresh++;
          continue;
        }
        float[] v = old.vector(oldId);
        System.arraycopy(v, 0, rows.values(), id * rows.width(), v.length);
        if (weights) {
          wide.get(f).values()[id] = old.weight(oldId);
        }
        copied++;
      }
    }
    int tensorsCopied = 0;
    int tensorsFresh = 0;
    DenseParams params = model.params();
    for (DenseParams.Tensor t : params.tensors()) {
      TableReader.DenseTensor src = dense.get(t.name());
      if (src != null && src.rows() == t.rows() && src.cols() == t.cols()) {
        System.arraycopy(src.values(), 0, params.values(), t.offset(), t.size());
        tensorsCopied++;
      } else {
        tensorsFresh++;
      }
    }
    return new Result(copied, fresh, tensorsCopied, tensorsFresh);
  }
}

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
    return TableReader.open(dir, conf, Manifest.readVerified(dir, conf, where(dir), true));
  }

  private static String where(Path dir) {
    return "hot-start table " + dir + " (config key '" + Keys.HOT_START.name() + "')";
  }

  /**
   * Fails unless {@code table} fits a model of fields {@code fields}, max dim {@code dim} and embedding
   * {@code target}: the same fields in the same order, the same d, and variants that store leading dims on both sides.
   */
  public static void check(Path dir, TableReader table, List<String> fields, int dim, EmbeddingVariant target) {
    String where = where(dir);
    if (!table.fields().equals(fields)) {
      throw new IllegalArgumentException(where + " has fields " + table.fields() + " (expected " + fields + ")");
    }
    if (table.maxDim() != dim) {
      throw new IllegalArgumentException(where + " has max dim " + table.maxDim() + " (expected model.dim = "
          + dim + ")");
    }
    String source = table.manifest().path("model").path("embedding").asText();
    EmbeddingVariant sourceVariant = EmbeddingVariant.byKey(source);
    if (sourceVariant == null || !sourceVariant.hotStarts() || !target.hotStarts()) {
      throw new IllegalArgumentException(where + " holds " + source + " embeddings and the model is "
          + target.key() + " (expected " + EmbeddingVariant.hotStartingKeys() + " on both sides)");
    }
  }

  /** Copies an opened table into {@code model}; errors say what does not fit (fields, dim, variants). */
  public static Result apply(CtrModel model, Path dir, TableReader table) throws IOException {
    List<String> fields = model.vocabulary().fields().stream().map(FieldVocabulary::name).toList();
    check(dir, table, fields, model.dim(), model.config().get(Keys.EMBEDDING));
    long copied = 0;
    long fresh = 0;
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
    int tensorsCopied = copyDense(model.params(), table.denseTensors());
    return new Result(copied, fresh, tensorsCopied, model.params().tensors().size() - tensorsCopied);
  }

  /**
   * A row as a shard holds it ({@code RowRecords}: each table's values then accumulators), started from a table's
   * row: its stored {@code vector} in the first table's leading values and, when {@code weighted}, its first-order
   * {@code weight} in the last table (the model's first-order weights); as {@link #apply} starts a whole model's row.
   */
  public static void intoRecord(float[] record, float[] vector, boolean weighted, float weight, int[] widths) {
    System.arraycopy(vector, 0, record, 0, vector.length);
    if (weighted) {
      record[record.length - 2 * widths[widths.length - 1]] = weight;
    }
  }

  /** Copies the dense tensors of the table whose name and shape match; returns how many. */
  public static int copyDense(DenseParams params, Map<String, TableReader.DenseTensor> dense) {
    int copied = 0;
    for (DenseParams.Tensor t : params.tensors()) {
      TableReader.DenseTensor src = dense.get(t.name());
      if (src != null && src.rows() == t.rows() && src.cols() == t.cols()) {
        System.arraycopy(src.values(), 0, params.values(), t.offset(), t.size());
        copied++;
      }
    }
    return copied;
  }
}

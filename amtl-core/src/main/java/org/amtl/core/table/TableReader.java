package org.amtl.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amtl.core.model.EmbeddingVariant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * Reads a published table: look up (field, value) to its stored vector, truncated to its dim or padded with zeros
 * to the table's max dim. Unseen values and null get the field's OOV row, as in training. Fields load on first use.
 */
public final class TableReader implements Closeable {
  /** One field's rows in row-id order. */
  public static final class FieldRows {
    private final String[] values;
    private final long[] counts;
    private final float[][] vectors;
    private final float[] weights;
    private final Map<String, Integer> index = new HashMap<>();

    FieldRows(String[] values, long[] counts, float[][] vectors, float[] weights) {
      this.values = values;
      this.counts = counts;
      this.vectors = vectors;
      this.weights = weights;
      for (int id = 1; id < values.length; id++) {
        index.put(values[id], id);
      }
    }

    public int size() {
      return vectors.length;
    }

    public int dim(int id) {
      return vectors[id].length;
    }

    public long count(int id) {
      return counts[id];
    }

    /** The value of row id (null for the OOV row 0). */
    public String value(int id) {
      return values[id];
    }

    /** Row id of a value; null or unseen: 0 (OOV). */
    public int idOf(String value) {
      return value == null ? 0 : index.getOrDefault(value, 0);
    }

    public float[] vector(int id) {
      return vectors[id].clone();
    }

    /** Whether the rows hold first-order weights (tables of DeepFM and Wide&amp;Deep). */
    public boolean hasWeights() {
      return weights != null;
    }

    /** The first-order weight of row id; only when {@link #hasWeights}. */
    public float weight(int id) {
      return weights[id];
    }
  }

  /** A dense tensor of the table: shape and row-major values. */
  public record DenseTensor(int rows, int cols, float[] values) {}

  private final Path dir;
  private final Configuration conf;
  private final JsonNode manifest;
  private final int maxDim;
  private final Map<String, FieldRows> loaded = new LinkedHashMap<>();

  private TableReader(Path dir, Configuration conf, JsonNode manifest) {
    this.dir = dir;
    this.conf = conf;
    this.manifest = manifest;
    this.maxDim = manifest.path("model").path("maxDim").asInt();
  }

  /** Opens a published table (one with a manifest). */
  public static TableReader open(Path dir, Configuration conf) throws IOException {
    return new TableReader(dir, conf, Manifest.read(dir, conf));
  }

  /** Opens a table whose manifest is not written yet (a run's own table, before it is published). */
  public static TableReader open(Path dir, Configuration conf, JsonNode manifest) {
    return new TableReader(dir, conf, manifest);
  }

  public JsonNode manifest() {
    return manifest;
  }

  public int maxDim() {
    return maxDim;
  }

  /** Field names in manifest order. */
  public List<String> fields() {
    List<String> out = new ArrayList<>();
    manifest.path("fields").forEach(f -> out.add(f.path("name").asText()));
    return out;
  }

  /** The stored vector of (field, value), of length dim. */
  public float[] lookup(String field, String value) throws IOException {
    FieldRows rows = field(field);
    return rows.vector(rows.idOf(value));
  }

  /**
   * The stored vector of (field, value), zero-padded to the max dim: the d-vector the model used, for the variants
   * that store leading dims (FBE, AMTL). MDE and AutoEmb store a row the model projects to d, so a padded row is not
   * what the model used: refused, naming {@link TableScorer#embed}, which projects it.
   */
  public float[] lookupPadded(String field, String value) throws IOException {
    String variant = manifest.path("model").path("embedding").asText();
    EmbeddingVariant v = EmbeddingVariant.byKey(variant);
    if (v == null || v.storedRow() != EmbeddingVariant.StoredRow.PREFIX) {
      throw new IllegalStateException("table " + dir + " holds " + variant + " embeddings, whose stored rows the model "
          + "projects to d: a zero-padded row is not the vector it used (TableScorer.embed gives that one)");
    }
    return Arrays.copyOf(lookup(field, value), maxDim);
  }

  /** All rows of a field. */
  public synchronized FieldRows field(String field) throws IOException {
    FieldRows rows = loaded.get(field);
    if (rows == null) {
      if (!fields().contains(field)) {
        throw new IllegalArgumentException("table " + dir + " has no field '" + field + "' (fields: " + fields() + ")");
      }
      rows = readField(field);
      loaded.put(field, rows);
    }
    return rows;
  }

  /** Every dense tensor by name, in file order. */
  public Map<String, DenseTensor> denseTensors() throws IOException {
    Path file = new Path(dir, TableFormat.DENSE + "/" + TableFormat.PART);
    Map<String, DenseTensor> out = new LinkedHashMap<>();
    try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
      for (Group g; (g = r.read()) != null; ) {
        Group list = g.getGroup("values", 0);
        float[] v = new float[list.getFieldRepetitionCount("list")];
        for (int j = 0; j < v.length; j++) {
          v[j] = list.getGroup("list", j).getFloat("element", 0);
        }
        int rows = g.getInteger("rows", 0);
        int cols = g.getInteger("cols", 0);
        if ((long) rows * cols != v.length) {
          throw new IOException(file + ": tensor '" + g.getString("name", 0) + "' has " + v.length + " values (expected "
              + rows + " x " + cols + ")");
        }
        out.put(g.getString("name", 0), new DenseTensor(rows, cols, v));
      }
    }
    return out;
  }

  /** The files of a field's embeddings, in part order (one for a version-1 table). */
  public List<Path> embeddingFiles(String field) {
    int index = fields().indexOf(field);
    int parts = manifest.path("fields").get(index).path("parts").asInt(1);
    List<Path> files = new ArrayList<>();
    for (int k = 0; k < parts; k++) {
      files.add(new Path(dir, TableFormat.embeddingFile(field, k)));
    }
    return files;
  }

  /**
   * A version-1 table's first-order weights of a field, by row id: version 1 kept them in the dense file, as the
   * tensor {@code field<N>.wide}. Null for a version-2 table (its rows hold them) or a table without them.
   */
  public float[] versionOneWeights(String field) throws IOException {
    if (manifest.path("format").path("version").asInt() != 1) {
      return null;
    }
    DenseTensor wide = denseTensors().get("field" + fields().indexOf(field) + ".wide");
    return wide == null ? null : wide.values();
  }

  /** One stored row as read, in row-id order. */
  public interface RowVisitor {
    /** {@code vector} and {@code weight} are null and NaN when the rows were read without them. */
    void visit(int id, String value, long count, float[] vector, float weight) throws IOException;
  }

  /**
   * Streams a field's rows in row-id order (version 1: one part), checking that their ids run 0..n-1; without
   * {@code vectors} only the id, value and count columns are read.
   */
  public void forEachRow(String field, boolean vectors, RowVisitor visitor) throws IOException {
    Configuration read = conf;
    if (!vectors) {
      read = new Configuration(conf);
      read.set(org.apache.parquet.hadoop.api.ReadSupport.PARQUET_READ_SCHEMA, VALUES_AND_COUNTS);
    }
    int next = 0;
    for (Path file : embeddingFiles(field)) {
      try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), file).withConf(read).build()) {
        for (Group g; (g = r.read()) != null; next++) {
          int id = g.getInteger("id", 0);
          if (id != next) {
            throw new IOException(file + ": row id " + id + " out of order or repeated (expected " + next + ")");
          }
          String value = g.getFieldRepetitionCount("value") == 0 ? null : g.getString("value", 0);
          float[] v = null;
          float weight = Float.NaN;
          if (vectors) {
            int dim = g.getInteger("dim", 0);
            Group list = g.getGroup("vector", 0);
            int len = list.getFieldRepetitionCount("list");
            if (len != dim) {
              throw new IOException(file + ": row " + id + " has a vector of " + len + " floats (expected dim = "
                  + dim + ")");
            }
            v = new float[len];
            for (int j = 0; j < len; j++) {
              v[j] = list.getGroup("list", j).getFloat("element", 0);
            }
            if (g.getType().containsField("weight")) {
              weight = g.getFloat("weight", 0);
            }
          }
          visitor.visit(id, value, g.getLong("count", 0), v, weight);
        }
      }
    }
  }

  private static final String VALUES_AND_COUNTS =
      "message embedding { optional binary value (STRING); required int32 id; required int64 count; }";

  /** Reads a field's rows (version 1: and its first-order weights from the dense file, as {@code field<N>.wide}). */
  private FieldRows readField(String field) throws IOException {
    List<String> values = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    List<Float> weights = new ArrayList<>();
    forEachRow(field, true, (id, value, count, vector, weight) -> {
      values.add(value);
      counts.add(count);
      vectors.add(vector);
      if (!Float.isNaN(weight)) {
        weights.add(weight);
      }
    });
    int n = vectors.size();
    float[] w = null;
    if (!weights.isEmpty()) {
      w = new float[n];
      for (int id = 0; id < n; id++) {
        w[id] = weights.get(id);
      }
    } else {
      float[] old = versionOneWeights(field);
      w = old == null ? null : Arrays.copyOf(old, n);
    }
    long[] c = new long[n];
    for (int id = 0; id < n; id++) {
      c[id] = counts.get(id);
    }
    return new FieldRows(values.toArray(new String[0]), c, vectors.toArray(new float[0][]), w);
  }

  @Override
  public void close() {
    loaded.clear();
  }
}

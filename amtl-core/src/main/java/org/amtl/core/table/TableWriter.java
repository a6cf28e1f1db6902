package org.amtl.core.table;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.layers.DenseParams;
import org.amtl.core.model.CtrModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Writes a trained model's data files in the table format ({@link TableFormat}) under a folder. File names and
 * bytes depend only on the rows written, so the same model gives byte-identical files in any JVM, whole or part by
 * part: each file is written to a local temporary file, its footer made canonical ({@link CanonicalParquet}), then
 * copied to its place on the target filesystem. The job's sharded path writes each embedding part on the executor
 * that holds its rows with {@link #writeEmbeddingPart}, and the dense and frequency files from the driver, and so
 * writes the same bytes as {@link #write}.
 */
public final class TableWriter {
  /** One stored row of a field's embeddings; {@code weight} is its first-order weight (NaN without a wide part). */
  public record EmbeddingRow(String value, int id, long count, int dim, float[] vector, float weight) {}

  /** One row of the frequencies file. */
  public record FrequencyRow(String field, String value, int id, long count) {}

  private TableWriter() {}

  /**
   * Writes embeddings (each field in parts of at most {@code rowsPerPart} rows), dense parameters and frequencies;
   * returns the relative paths written, in {@link #files} order.
   */
  public static List<String> write(CtrModel model, Path dir, Configuration conf, int rowsPerPart)
      throws IOException {
    int[][] kept = model.keptDims();
    List<String> names = new ArrayList<>();
    int[] parts = new int[model.numFields()];
    for (int f = 0; f < model.numFields(); f++) {
      FieldVocabulary fv = model.vocabulary().field(f);
      names.add(fv.name());
      parts[f] = TableFormat.parts(fv.rows(), rowsPerPart);
      for (int k = 0; k < parts[f]; k++) {
        int from = k * rowsPerPart;
        int to = (int) Math.min(fv.rows(), (long) from + rowsPerPart);
        int field = f;
        writeEmbeddingPart(dir, conf, fv.name(), k, !model.wideTables().isEmpty(), () -> new Iterator<>() {
          private int id = from;

          @Override
          public boolean hasNext() {
            return id < to;
          }

          @Override
          public EmbeddingRow next() {
            int row = id++;
            return row(model, field, row, row, fv.value(row), fv.count(row), kept[field][row]);
          }
        });
      }
    }
    writeDense(model.params(), dir, conf);
    writeFrequencies(dir, conf, () -> model.vocabulary().fields().stream().flatMap(fv ->
        java.util.stream.IntStream.range(0, fv.rows()).mapToObj(id ->
            new FrequencyRow(fv.name(), fv.value(id), id, fv.count(id)))).iterator());
    return files(names, parts);
  }

  /** The relative paths of a table's data files, in the order the manifest lists them. */
  public static List<String> files(List<String> fields, int[] parts) {
    List<String> files = new ArrayList<>();
    for (int f = 0; f < fields.size(); f++) {
      for (int k = 0; k < parts[f]; k++) {
        files.add(TableFormat.embeddingFile(fields.get(f), k));
      }
    }
    files.add(DENSE_FILE);
    files.add(FREQUENCY_FILE);
    return files;
  }

  private static final String DENSE_FILE = TableFormat.DENSE + "/" + TableFormat.PART;
  private static final String FREQUENCY_FILE = TableFormat.FREQUENCIES + "/" + TableFormat.PART;

  /**
   * Row {@code row} of field {@code f} of {@code model} as stored, under row id {@code id} (the same number for a
   * whole model; the global id for a model over a slice of the rows), keeping {@code kept} dims.
   */
  public static EmbeddingRow row(CtrModel model, int f, int row, int id, String value, long count, int kept) {
    float weight = model.wideTables().isEmpty() ? Float.NaN : model.wideTables().get(f).values()[row];
    return new EmbeddingRow(id == FieldVocabulary.OOV ? null : value, id, count, kept,
        model.embedding(f).storedVector(row, kept), weight);
  }

  /** Writes part {@code part} of a field's embeddings: {@code rows} in id order. */
  public static String writeEmbeddingPart(Path dir, Configuration conf, String field, int part, boolean weighted,
      Iterable<EmbeddingRow> rows) throws IOException {
    String rel = TableFormat.embeddingFile(field, part);
    MessageType schema = weighted ? TableFormat.WEIGHTED_EMBEDDING_SCHEMA : TableFormat.EMBEDDING_SCHEMA;
    try (LocalParquet local = new LocalParquet(new Path(dir, rel), conf);
        ParquetWriter<Group> w = local.writer(schema)) {
      SimpleGroupFactory g = new SimpleGroupFactory(schema);
      for (EmbeddingRow r : rows) {
        Group row = g.newGroup();
        if (r.value() != null) {
          row.append("value", r.value());
        }
        row.append("id", r.id()).append("count", r.count()).append("dim", r.dim());
        addFloats(row.addGroup("vector"), r.vector());
        if (weighted) {
          row.append("weight", r.weight());
        }
        w.write(row);
      }
    }
    return rel;
  }

  /** Writes the dense file: every dense tensor, in the model's order. */
  public static String writeDense(DenseParams p, Path dir, Configuration conf) throws IOException {
    try (LocalParquet local = new LocalParquet(new Path(dir, DENSE_FILE), conf);
        ParquetWriter<Group> w = local.writer(TableFormat.DENSE_SCHEMA)) {
      SimpleGroupFactory g = new SimpleGroupFactory(TableFormat.DENSE_SCHEMA);
      for (DenseParams.Tensor t : p.tensors()) {
        float[] v = java.util.Arrays.copyOfRange(p.values(), t.offset(), t.offset() + t.size());
        w.write(denseRow(g, t.name(), t.rows(), t.cols(), v));
      }
    }
    return DENSE_FILE;
  }

  /** Writes the frequencies file: {@code rows} by field, then id. */
  public static String writeFrequencies(Path dir, Configuration conf, Iterable<FrequencyRow> rows)
      throws IOException {
    try (LocalParquet local = new LocalParquet(new Path(dir, FREQUENCY_FILE), conf);
        ParquetWriter<Group> w = local.writer(TableFormat.FREQUENCY_SCHEMA)) {
      SimpleGroupFactory g = new SimpleGroupFactory(TableFormat.FREQUENCY_SCHEMA);
      for (FrequencyRow r : rows) {
        Group row = g.newGroup().append("field", r.field());
        if (r.id() != FieldVocabulary.OOV) {
          row.append("value", r.value());
        }
        w.write(row.append("id", r.id()).append("count", r.count()));
      }
    }
    return FREQUENCY_FILE;
  }

  private static Group denseRow(SimpleGroupFactory g, String name, int rows, int cols, float[] values) {
    Group row = g.newGroup().append("name", name).append("rows", rows).append("cols", cols);
    addFloats(row.addGroup("values"), values);
    return row;
  }

  private static void addFloats(Group list, float[] values) {
    for (float v : values) {
      list.addGroup("list").append("element", v);
    }
  }

  /**
   * A Parquet file written to a local temporary file and, on close (after its writer closed), made canonical and
   * copied to {@code target}.
   */
  private static final class LocalParquet implements java.io.Closeable {
    private final Path target;
    private final Configuration conf;
    private final java.nio.file.Path local;

    LocalParquet(Path target, Configuration conf) throws IOException {
      this.target = target;
      this.conf = conf;
      this.local = java.nio.file.Files.createTempFile("amtl-table-", ".parquet");
    }

    ParquetWriter<Group> writer(MessageType schema) throws IOException {
      return ExampleParquetWriter.builder(new LocalOutputFile(local))
          .withType(schema)
          .withConf(conf)
          .withCompressionCodec(CompressionCodecName.SNAPPY)
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .build();
    }

    @Override
    public void close() throws IOException {
      try {
        CanonicalParquet.canonicalize(local);
        org.apache.hadoop.fs.FileSystem fs = target.getFileSystem(conf);
        try (java.io.OutputStream out = fs.create(target, true)) {
          java.nio.file.Files.copy(local, out);
        }
      } finally {
        java.nio.file.Files.deleteIfExists(local);
      }
    }
  }

}

package org.amtl.core.table;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.layers.DenseParams;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.layers.FieldEmbedding;
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
 * bytes depend only on the model, so the same model gives byte-identical files in any JVM: each file is written to
 * a local temporary file, its footer made canonical ({@link CanonicalParquet}), then copied to its place on the
 * target filesystem.
 */
public final class TableWriter {
  private TableWriter() {}

  /** Writes embeddings, dense parameters and frequencies; returns the relative paths written, in order. */
  public static List<String> write(CtrModel model, Path dir, Configuration conf) throws IOException {
    List<String> written = new ArrayList<>();
    int[][] kept = model.keptDims();
    for (int f = 0; f < model.numFields(); f++) {
      FieldVocabulary fv = model.vocabulary().field(f);
      FieldEmbedding emb = model.embedding(f);
      String rel = TableFormat.embeddingFile(fv.name());
      try (LocalParquet local = new LocalParquet(new Path(dir, rel), conf);
          ParquetWriter<Group> w = local.writer(TableFormat.EMBEDDING_SCHEMA)) {
        SimpleGroupFactory g = new SimpleGroupFactory(TableFormat.EMBEDDING_SCHEMA);
        for (int id = 0; id < fv.rows(); id++) {
          Group row = g.newGroup();
          if (id != FieldVocabulary.OOV) {
            row.append("value", fv.value(id));
          }
          row.append("id", id).append("count", fv.count(id)).append("dim", kept[f][id]);
          addFloats(row.addGroup("vector"), emb.storedVector(id, kept[f][id]));
          w.write(row);
        }
      }
      written.add(rel);
    }
    String denseRel = TableFormat.DENSE + "/" + TableFormat.PART;
    try (LocalParquet local = new LocalParquet(new Path(dir, denseRel), conf);
        ParquetWriter<Group> w = local.writer(TableFormat.DENSE_SCHEMA)) {
      SimpleGroupFactory g = new SimpleGroupFactory(TableFormat.DENSE_SCHEMA);
      DenseParams p = model.params();
      for (DenseParams.Tensor t : p.tensors()) {
        float[] v = java.util.Arrays.copyOfRange(p.values(), t.offset(), t.offset() + t.size());
        w.write(denseRow(g, t.name(), t.rows(), t.cols(), v));
      }
      for (EmbeddingTable t : model.wideTables()) { // first-order weights: one per value, beside the network
        w.write(denseRow(g, t.name(), t.rows(), t.width(), t.values()));
      }
    }
    written.add(denseRel);
    String freqRel = TableFormat.FREQUENCIES + "/" + TableFormat.PART;
    try (LocalParquet local = new LocalParquet(new Path(dir, freqRel), conf);
        ParquetWriter<Group> w = local.writer(TableFormat.FREQUENCY_SCHEMA)) {
      SimpleGroupFactory g = new SimpleGroupFactory(TableFormat.FREQUENCY_SCHEMA);
      for (FieldVocabulary fv : model.vocabulary().fields()) {
        for (int id = 0; id < fv.rows(); id++) {
          Group row = g.newGroup().append("field", fv.name());
          if (id != FieldVocabulary.OOV) {
            row.append("value", fv.value(id));
          }
          w.write(row.append("id", id).append("count", fv.count(id)));
        }
      }
    }
    written.add(freqRel);
    return written;
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

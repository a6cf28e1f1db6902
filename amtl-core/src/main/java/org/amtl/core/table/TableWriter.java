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
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Writes a trained model's data files in the table format ({@link TableFormat}) under a folder. File names and
 * contents depend only on the model, so the same model gives byte-identical files.
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
      try (ParquetWriter<Group> w = writer(new Path(dir, rel), TableFormat.EMBEDDING_SCHEMA, conf)) {
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
    try (ParquetWriter<Group> w = writer(new Path(dir, denseRel), TableFormat.DENSE_SCHEMA, conf)) {
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
    try (ParquetWriter<Group> w = writer(new Path(dir, freqRel), TableFormat.FREQUENCY_SCHEMA, conf)) {
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

  private static ParquetWriter<Group> writer(Path file, MessageType schema, Configuration conf) throws IOException {
    return ExampleParquetWriter.builder(HadoopOutputFile.fromPath(file, conf))
        .withType(schema)
        .withConf(conf)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .build();
  }
}

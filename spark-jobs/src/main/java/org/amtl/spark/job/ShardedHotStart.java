package org.amtl.spark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.table.HotStart;
import org.amtl.core.table.TableReader;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Hot start into sharded rows, with the bits {@link HotStart#apply} gives a whole model: the table's embedding
 * files are read by Spark and joined with the new ids on (field, value) (each field's OOV row with the new OOV
 * row), and each shard starts the rows the table knows from their stored vectors and weights; the driver's dense
 * part takes the table's dense tensors of the same name and shape. The driver reads only the manifest and the
 * dense file (and, for a version-1 table under DeepFM or Wide&amp;Deep, the first-order weights it kept there).
 */
final class ShardedHotStart {
  private ShardedHotStart() {}

  /** The rows started from {@code table} (opened and verified at {@code dir}), and what was carried. */
  record Started(JavaRDD<RowBlock> rows, HotStart.Result result) {}

  static Started apply(SparkSession spark, JavaRDD<RowBlock> rows, RowShards.ShardPartitioner partitioner,
      Dataset<Row> ids,
      RowShards.SliceSpec spec, CtrModel dense, AmtlConfig config, Path dir, TableReader table) throws IOException {
    List<String> fields = spec.fieldNames();
    HotStart.check(dir, table, fields, config.getInt(Keys.DIM), config.get(Keys.EMBEDDING));
    boolean wide = !dense.wideTables().isEmpty();
    float[][] oldWeights = new float[fields.size()][]; // version 1 only: null where the rows hold their weights
    Dataset<Row> stored = null;
    for (int f = 0; f < fields.size(); f++) {
      List<String> files = table.embeddingFiles(fields.get(f)).stream().map(Path::toString).toList();
      Dataset<Row> part = spark.read().parquet(files.toArray(new String[0]));
      boolean weightColumn = List.of(part.columns()).contains("weight");
      float[] v1 = weightColumn ? null : table.versionOneWeights(fields.get(f));
      oldWeights[f] = v1;
      part = part.select(lit(f).as("f"), col("value"), col("id").as("oldId"), col("vector"),
          weightColumn ? col("weight") : lit(null).cast("float").as("weight"));
      stored = stored == null ? part : stored.union(part);
    }
    // a version-1 table fitted one JVM: its weights travel with the tasks
    float[][] weightsByOldId = oldWeights;
    // old OOV rows (value null) go to the new OOV rows; a value the new vocabulary has goes to its new id
    Dataset<Row> known = stored.where(col("value").isNotNull()).join(ids, stored.col("f").equalTo(ids.col("f"))
        .and(stored.col("value").equalTo(ids.col("v")))).select(stored.col("f"), ids.col("id"), col("oldId"),
            col("vector"), col("weight"));
    Dataset<Row> oov = stored.where(col("value").isNull()).select(col("f"), lit(FieldVocabulary.OOV).as("id"),
        col("oldId"), col("vector"), col("weight"));
    JavaPairRDD<Long, Tuple2<float[], Float>> carried = known.union(oov).javaRDD().mapToPair(r -> {
      int f = r.getInt(0);
      List<Float> vector = r.getList(3);
      float[] v = new float[vector.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = vector.get(i);
      }
      float[] byOldId = weightsByOldId[f];
      Float weight = !r.isNullAt(4) ? Float.valueOf(r.getFloat(4))
          : byOldId != null ? Float.valueOf(byOldId[r.getInt(2)]) : null;
      return new Tuple2<>(RowShards.key(f, r.getInt(1)), new Tuple2<>(v, weight));
    });
    int[][] widths = RowShards.widths(spec);
    // each shard writes the carried vectors of its rows into a copy of its block
    JavaRDD<RowBlock> started = rows.zipPartitions(carried.partitionBy(partitioner), (blocks, in) -> {
      RowBlock block = blocks.next(); // one block per shard
      RowBlock.Changes changes = block.changes();
      in.forEachRemaining(t -> {
        int i = block.indexOf(t._1());
        if (i < 0) {
          throw new IllegalStateException("row " + RowShards.field(t._1()) + "/" + RowShards.id(t._1())
              + " is carried to a shard that does not hold it");
        }
        float[] record = changes.record(i);
        Float weight = t._2()._2();
        HotStart.intoRecord(record, t._2()._1(), wide && weight != null, weight == null ? 0 : weight,
            widths[RowShards.field(t._1())]);
        changes.set(i, record);
      });
      return List.of(changes.done()).iterator();
    }).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    long copied = carried.count();
    long total = started.map(b -> (long) b.size()).reduce(Long::sum);
    int tensorsCopied = HotStart.copyDense(dense.params(), table.denseTensors());
    return new Started(started, new HotStart.Result(copied, total - copied, tensorsCopied,
        dense.params().tensors().size() - tensorsCopied));
  }
}

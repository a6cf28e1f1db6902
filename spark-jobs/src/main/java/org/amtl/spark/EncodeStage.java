package org.amtl.spark;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.util.Seeds;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Lays rows out deterministically and encodes them. Each row gets a seeded hash of its content; rows are
 * hash-partitioned on it into train.partitions partitions and sorted by it (ties: identical rows, whose order
 * cannot matter). So which partition trains which row, and in what order, derives from the seed alone, never
 * from file order, task order or retries. Each partition becomes one {@link ExampleBlock} (ids looked up in the
 * broadcast vocabulary, one int per field and row), which is what the job caches.
 */
final class EncodeStage {
  private EncodeStage() {}

  static JavaRDD<ExampleBlock> encode(Dataset<Row> rows, List<FieldSpec> fields, Broadcast<Vocabulary> vocab,
      int partitions, long seed, String name) {
    Column key = SplitStage.contentHash(rows, Seeds.derive(seed, "layout-" + name));
    List<Column> order = new ArrayList<>();
    order.add(col("_key"));
    for (String c : rows.columns()) {
      order.add(InputStage.quoted(c));
    }
    Dataset<Row> laidOut = rows.withColumn("_key", key)
        .repartition(partitions, col("_key"))
        .sortWithinPartitions(order.toArray(new Column[0]))
        .drop("_key");
    JavaRDD<ExampleBlock> examples = laidOut.javaRDD().mapPartitions(new Encoder(vocab, fields), true);
    // spilled to local disk (Kryo) when executors lack the memory, rather than laid out again every round
    examples.setName("encoded " + name + " examples").persist(StorageLevel.MEMORY_AND_DISK());
    return examples;
  }

  /** Example counts per partition, in partition order (also materialises the cache). */
  static long[] countPerPartition(JavaRDD<ExampleBlock> examples) {
    List<PartitionCount> counts = examples.mapPartitionsWithIndex(new Counter(), true).collect();
    long[] out = new long[counts.size()];
    for (PartitionCount c : counts) {
      out[c.partition()] = c.examples();
    }
    return out;
  }

  /** A partition's rows -> one block: label, then each field's value (or list) to row ids; null and unseen go to OOV. */
  static final class Encoder implements FlatMapFunction<Iterator<Row>, ExampleBlock> {
    private final Broadcast<Vocabulary> vocab;
    private final List<FieldSpec> fields;

    Encoder(Broadcast<Vocabulary> vocab, List<FieldSpec> fields) {
      this.vocab = vocab;
      this.fields = List.copyOf(fields);
    }

    @Override
    public Iterator<ExampleBlock> call(Iterator<Row> rows) {
      Vocabulary v = vocab.value();
      ExampleBlock.Builder block = new ExampleBlock.Builder(fields.size());
      while (rows.hasNext()) {
        Row r = rows.next();
        for (int f = 0; f < fields.size(); f++) {
          FieldVocabulary fv = v.field(f);
          if (!fields.get(f).list()) {
            block.id(f, fv.idOf(r.isNullAt(f + 1) ? null : r.getString(f + 1)));
          } else if (!r.isNullAt(f + 1)) { // a null or empty list gets the OOV row
            List<String> values = r.getList(f + 1);
            for (String value : values) {
              block.id(f, fv.idOf(value));
            }
          }
        }
        block.endRow(r.getFloat(0));
      }
      return List.of(block.build()).iterator();
    }
  }

  static final class Counter implements Function2<Integer, Iterator<ExampleBlock>, Iterator<PartitionCount>> {
    @Override
    public Iterator<PartitionCount> call(Integer partition, Iterator<ExampleBlock> blocks) {
      long n = 0;
      while (blocks.hasNext()) {
        n += blocks.next().size();
      }
      return List.of(new PartitionCount(partition, n)).iterator();
    }
  }
}

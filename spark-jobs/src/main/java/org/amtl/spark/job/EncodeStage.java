package org.amtl.spark.job;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.util.Seeds;
import org.amtl.spark.io.FieldSpec;
import org.amtl.spark.io.InputStage;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Lays rows out deterministically and encodes them. Each row gets a seeded hash of its content and is encoded
 * where it is read (ids looked up in the broadcast vocabulary, one int per field), so the shuffle moves ids, not
 * strings; rows are hash-partitioned on the hash into train.partitions partitions and each partition sorts its
 * rows by it (ties: equal hashes of equal rows, whose order cannot matter, then the ids). So which partition
 * trains which row, and in what order, derives from the seed alone, never from file order, task order or
 * retries. Each partition becomes one {@link ExampleBlock}, which is what the job caches. {@link #encodeByJoin}
 * gives the same blocks from ids that live in a dataset, for vocabularies no JVM can hold.
 */
public final class EncodeStage {
  private static final String KEY = "_key";
  private static final String ROW = "_row";

  private EncodeStage() {}

  /** An encoded row: the layout hash, the label, then each field's id (plain) or ids (list). */
  private static StructType encodedSchema(List<FieldSpec> fields) {
    StructType encoded = new StructType().add(KEY, DataTypes.LongType, false)
        .add(InputStage.LABEL, DataTypes.FloatType, false);
    for (int f = 0; f < fields.size(); f++) {
      encoded = encoded.add("f" + f, fields.get(f).list()
          ? DataTypes.createArrayType(DataTypes.IntegerType, false) : DataTypes.IntegerType, false);
    }
    return encoded;
  }

  static JavaRDD<ExampleBlock> encode(Dataset<Row> rows, List<FieldSpec> fields, Broadcast<Vocabulary> vocab,
      int partitions, long seed, String name) {
    Column key = SplitStage.contentHash(rows, Seeds.derive(seed, "layout-" + name));
    JavaRDD<ExampleBlock> examples = rows.withColumn(KEY, key)
        .mapPartitions(new Encoder(vocab, fields), Encoders.row(encodedSchema(fields)))
        .repartition(partitions, col(KEY))
        .javaRDD().mapPartitions(new BlockBuilder(fields), true);
    // spilled to local disk (Kryo) when executors lack the memory, rather than laid out again every round
    examples.setName("encoded " + name + " examples").persist(StorageLevel.MEMORY_AND_DISK());
    return examples;
  }

  /**
   * The same blocks as {@link #encode}, from ids assigned on the executors ({@link VocabularyIds}: rows f, v, id)
   * instead of a broadcast vocabulary, so no JVM holds every value: each row's (field, position, value) pairs are
   * joined to the ids on (field, value) (null and unseen values find none: OOV) and gathered back into the row.
   */
  public static JavaRDD<ExampleBlock> encodeByJoin(Dataset<Row> rows, List<FieldSpec> fields, Dataset<Row> ids,
      int partitions, long seed, String name) {
    Column key = SplitStage.contentHash(rows, Seeds.derive(seed, "layout-" + name));
    // a row id only to gather each row's pairs back: equal rows share a hash, not a row id
    Dataset<Row> keyed = rows.withColumn(KEY, key).withColumn(ROW, monotonically_increasing_id());
    List<Column> pairs = new ArrayList<>();
    pairs.add(array(struct(lit(-1).as("f"), lit(0).as("pos"), lit(null).cast(DataTypes.StringType).as("v"))));
    for (int f = 0; f < fields.size(); f++) {
      Column index = lit(f);
      Column column = InputStage.quoted(fields.get(f).name());
      if (!fields.get(f).list()) {
        pairs.add(array(struct(index.as("f"), lit(0).as("pos"), column.as("v"))));
      } else {
        Column list = coalesce(column, array().cast(DataTypes.createArrayType(DataTypes.StringType)));
        pairs.add(transform(list, (x, i) -> struct(index.as("f"), i.as("pos"), x.as("v"))));
      }
    }
    Dataset<Row> exploded = keyed.select(col(ROW), col(KEY), col(InputStage.LABEL),
            explode(concat(pairs.toArray(new Column[0]))).as("p"))
        .select(col(ROW), col(KEY), col(InputStage.LABEL), col("p.f").as("f"), col("p.pos").as("pos"),
            col("p.v").as("v"));
    Dataset<Row> known = ids.select(col("f").as("idF"), col("v").as("idV"), col("id"));
    Dataset<Row> gathered = exploded
        .join(known, exploded.col("f").equalTo(known.col("idF")).and(exploded.col("v").equalTo(known.col("idV"))),
            "left")
        .groupBy(col(ROW), col(KEY), col(InputStage.LABEL))
        .agg(collect_list(struct(col("f"), col("pos"), coalesce(col("id"), lit(FieldVocabulary.OOV)).as("id")))
            .as("ids"));
    JavaRDD<ExampleBlock> examples = gathered
        .map(new Gatherer(fields), Encoders.row(encodedSchema(fields)))
        .repartition(partitions, col(KEY))
        .javaRDD().mapPartitions(new BlockBuilder(fields), true);
    examples.setName("encoded " + name + " examples").persist(StorageLevel.MEMORY_AND_DISK());
    return examples;
  }

  /** (row id, hash, label, [(field, position, id)]) -> (hash, label, each field's id or ids), as {@link Encoder}. */
  static final class Gatherer implements MapFunction<Row, Row> {
    private final List<FieldSpec> fields;

    Gatherer(List<FieldSpec> fields) {
      this.fields = List.copyOf(fields);
    }

    @Override
    public Row call(Row r) {
      int n = fields.size();
      Object[] out = new Object[n + 2];
      out[0] = r.getLong(1);
      out[1] = r.getFloat(2);
      List<Row> pairs = r.getList(3);
      int[] listSizes = new int[n];
      for (Row p : pairs) {
        if (p.getInt(0) >= 0) {
          listSizes[p.getInt(0)]++;
        }
      }
      for (int f = 0; f < n; f++) {
        out[f + 2] = fields.get(f).list() ? new int[listSizes[f]] : null;
      }
      for (Row p : pairs) {
        int f = p.getInt(0);
        if (f >= 0) {
          if (fields.get(f).list()) {
            ((int[]) out[f + 2])[p.getInt(1)] = p.getInt(2);
          } else {
            out[f + 2] = p.getInt(2);
          }
        }
      }
      return RowFactory.create(out);
    }
  }

  /** Example counts per partition, in partition order, and the bytes the blocks hold in all. */
  record Cached(long[] perPartition, long bytes) {
    long rows() {
      return Arrays.stream(perPartition).sum();
    }
  }

  /** Counts the examples of every partition (which also materialises the cache). */
  static Cached count(JavaRDD<ExampleBlock> examples) {
    List<PartitionCount> counts = examples.mapPartitionsWithIndex(new Counter(), true).collect();
    long[] perPartition = new long[counts.size()];
    long bytes = 0;
    for (PartitionCount c : counts) {
      perPartition[c.partition()] = c.examples();
      bytes += c.bytes();
    }
    return new Cached(perPartition, bytes);
  }

  /**
   * A row (label, fields, then the hash last) -> (hash, label, each field's id or ids); null and unseen values
   * go to OOV, a null list to an empty one (the block stores it as the OOV row).
   */
  static final class Encoder implements MapPartitionsFunction<Row, Row> {
    private final Broadcast<Vocabulary> vocab;
    private final List<FieldSpec> fields;

    Encoder(Broadcast<Vocabulary> vocab, List<FieldSpec> fields) {
      this.vocab = vocab;
      this.fields = List.copyOf(fields);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Vocabulary v = vocab.value();
      int n = fields.size();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row r = rows.next();
          Object[] out = new Object[n + 2];
          out[0] = r.getLong(r.length() - 1);
          out[1] = r.getFloat(0);
          for (int f = 0; f < n; f++) {
            FieldVocabulary fv = v.field(f);
            if (!fields.get(f).list()) {
              out[f + 2] = fv.idOf(r.isNullAt(f + 1) ? null : r.getString(f + 1));
            } else {
              List<String> values = r.isNullAt(f + 1) ? List.of() : r.getList(f + 1);
              int[] ids = new int[values.size()];
              for (int i = 0; i < ids.length; i++) {
                ids[i] = fv.idOf(values.get(i));
              }
              out[f + 2] = ids;
            }
          }
          return RowFactory.create(out);
        }
      };
    }
  }

  /** A partition's encoded rows, in whatever order the shuffle delivered them -> one block sorted by hash. */
  static final class BlockBuilder implements FlatMapFunction<Iterator<Row>, ExampleBlock> {
    private final List<FieldSpec> fields;

    BlockBuilder(List<FieldSpec> fields) {
      this.fields = List.copyOf(fields);
    }

    @Override
    public Iterator<ExampleBlock> call(Iterator<Row> rows) {
      Gathered g = gather(rows); // the builder's buffers are gone before the sort
      return List.of(g.block().permuted(hashOrder(g.keys(), g.block()))).iterator();
    }

    /**
     * The block's rows ordered by hash ({@code keys}, signed), ties by content ({@link ExampleBlock#compareRows}).
     * One primitive sort of (high half of the hash, row) packed in a long does nearly all of it; rows whose high
     * halves agree (a few dozen pairs in a million rows) are then put in order by the whole hash and content.
     */
    static int[] hashOrder(long[] keys, ExampleBlock block) {
      int n = block.size();
      long[] packed = new long[n];
      for (int i = 0; i < n; i++) {
        packed[i] = (keys[i] >> 32) << 32 | i;
      }
      Arrays.sort(packed);
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = (int) packed[i];
      }
      for (int from = 0, to; from < n; from = to) {
        to = from + 1;
        while (to < n && packed[to] >> 32 == packed[from] >> 32) {
          to++;
        }
        if (to - from > 1) {
          Integer[] run = new Integer[to - from];
          for (int i = 0; i < run.length; i++) {
            run[i] = order[from + i];
          }
          Arrays.sort(run, (a, b) -> {
            int c = Long.compare(keys[a], keys[b]);
            return c != 0 ? c : block.compareRows(a, b);
          });
          for (int i = 0; i < run.length; i++) {
            order[from + i] = run[i];
          }
        }
      }
      return order;
    }

    /** A partition's rows as a block in arrival order, and each row's hash. */
    private record Gathered(ExampleBlock block, long[] keys) {}

    private Gathered gather(Iterator<Row> rows) {
      ExampleBlock.Builder block = new ExampleBlock.Builder(fields.size());
      long[] keys = new long[1024];
      while (rows.hasNext()) {
        Row r = rows.next();
        if (block.size() == keys.length) {
          keys = Arrays.copyOf(keys, keys.length * 2);
        }
        keys[block.size()] = r.getLong(0);
        for (int f = 0; f < fields.size(); f++) {
          if (!fields.get(f).list()) {
            block.id(f, r.getInt(f + 2));
          } else {
            for (Object id : r.getList(f + 2)) {
              block.id(f, (Integer) id);
            }
          }
        }
        block.endRow(r.getFloat(1));
      }
      return new Gathered(block.build(), keys);
    }
  }

  static final class Counter implements Function2<Integer, Iterator<ExampleBlock>, Iterator<PartitionCount>> {
    @Override
    public Iterator<PartitionCount> call(Integer partition, Iterator<ExampleBlock> blocks) {
      long n = 0;
      long bytes = 0;
      while (blocks.hasNext()) {
        ExampleBlock b = blocks.next();
        n += b.size();
        bytes += b.bytes();
      }
      return List.of(new PartitionCount(partition, n, bytes)).iterator();
    }
  }
}

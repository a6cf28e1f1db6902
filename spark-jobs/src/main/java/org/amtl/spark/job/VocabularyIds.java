package org.amtl.spark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import org.amtl.core.data.CountGroups;
import org.amtl.core.data.FieldStats;
import org.amtl.core.data.FieldVocabulary;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Row ids assigned on the executors, for vocabularies too large to collect: the same ids as
 * {@link FieldVocabulary#fromCounts} gives on the driver (a value's id is its rank in its field by count,
 * descending, ties by value in Java {@code String} order, and row 0 is OOV), without the driver ever holding a
 * value. One global sort by (field, count descending, value) and a running index over the sorted partitions
 * ({@code zipWithIndex}); the driver holds one number per field (its first index). Values tie by their UTF-16
 * code units, as {@code String.compareTo} orders them, through their UTF-16BE bytes: Spark orders strings by UTF-8
 * bytes, which differs for characters outside the BMP (U+1F600 sorts before U+FF61 in Java, after it in UTF-8).
 */
public final class VocabularyIds {
  /** The schema of the assigned ids: field index, value, row id (1..n), count. */
  public static final StructType SCHEMA = new StructType()
      .add("f", DataTypes.IntegerType, false)
      .add("v", DataTypes.StringType, false)
      .add("id", DataTypes.IntegerType, false)
      .add("count", DataTypes.LongType, false);

  private VocabularyIds() {}

  /**
   * What was assigned: the ids as rows of {@link #SCHEMA} (cached: {@code cached} holds them), and each field's
   * statistics (by one aggregation).
   */
  public record Assigned(Dataset<Row> ids, JavaRDD<Row> cached, List<FieldStats> fields) {
    /** Each field's number of rows, OOV included. */
    public int[] rowsPerField() {
      return fields.stream().mapToInt(FieldStats::rows).toArray();
    }

    /** Drops the cached ids. */
    public void release() {
      cached.unpersist();
    }
  }

  /**
   * Each field's statistics (rows with OOV, smallest, largest and total count, tie groups) from {@code counts},
   * rows (f, v, count) as {@link FrequencyStage#counts} gives them, by two aggregations: the driver receives one
   * row per field and one per distinct count of a field. Fails naming the field when one would reach 2^31 rows.
   */
  public static List<FieldStats> stats(Dataset<Row> counts, List<String> fieldNames) {
    int fields = fieldNames.size();
    long[] distinct = new long[fields];
    long[][] countStats = new long[fields][3];
    for (Row r : counts.groupBy("f").agg(count(lit(1)), min("count"), max("count"), sum("count")).collectAsList()) {
      distinct[r.getInt(0)] = r.getLong(1);
      countStats[r.getInt(0)] = new long[] {r.getLong(2), r.getLong(3), r.getLong(4)};
    }
    List<List<long[]>> groups = new ArrayList<>();
    for (int f = 0; f < fields; f++) {
      groups.add(new ArrayList<>());
    }
    for (Row r : counts.groupBy("f", "count").agg(count(lit(1))).collectAsList()) {
      groups.get(r.getInt(0)).add(new long[] {r.getLong(1), r.getLong(2)});
    }
    List<FieldStats> stats = new ArrayList<>();
    for (int f = 0; f < fields; f++) {
      if (distinct[f] + 1 > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("field '" + fieldNames.get(f) + "': " + distinct[f]
            + " values reach the limit of 2^31 - 2 rows of one field");
      }
      List<long[]> g = groups.get(f);
      CountGroups tieGroups = CountGroups.of(g.stream().mapToLong(x -> x[0]).toArray(),
          g.stream().mapToLong(x -> x[1]).toArray());
      stats.add(new FieldStats((int) distinct[f] + 1, countStats[f][0], countStats[f][1], countStats[f][2],
          tieGroups));
    }
    return List.copyOf(stats);
  }

  /** Assigns ids to {@code counts} (each (f, v) once), whose fields' statistics are {@code stats}. */
  public static Assigned assign(SparkSession spark, Dataset<Row> counts, List<FieldStats> stats) {
    long[] firstIndex = new long[stats.size()];
    long total = 0;
    for (int f = 0; f < stats.size(); f++) {
      firstIndex[f] = total;
      total += stats.get(f).rows() - 1;
    }
    Dataset<Row> sorted = counts.select(col("f"), col("v"), col("count"))
        .orderBy(col("f"), col("count").desc(), encode(col("v"), "UTF-16BE"));
    // zipWithIndex counts each sorted partition first: the sort is kept for it rather than run twice, and the ids
    // are cached once computed (the encoding joins and the shards read them)
    JavaRDD<Row> sortedRows = sorted.javaRDD().persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<Row> ids = sortedRows.zipWithIndex().map(new ToId(firstIndex)).persist(StorageLevel.MEMORY_AND_DISK());
    ids.count();
    sortedRows.unpersist();
    return new Assigned(spark.createDataFrame(ids, SCHEMA), ids, stats);
  }

  /** A sorted row and its global index to (f, v, id, count): id = index - field's first index + 1. */
  static final class ToId implements org.apache.spark.api.java.function.Function<Tuple2<Row, Long>, Row> {
    private final long[] firstIndex;

    ToId(long[] firstIndex) {
      this.firstIndex = firstIndex;
    }

    @Override
    public Row call(Tuple2<Row, Long> indexed) {
      Row r = indexed._1();
      int f = r.getInt(0);
      return RowFactory.create(f, r.getString(1), (int) (indexed._2() - firstIndex[f] + 1), r.getLong(2));
    }
  }
}

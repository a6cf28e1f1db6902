package org.amtl.spark.job;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.amtl.spark.io.FieldSpec;
import org.amtl.spark.io.InputStage;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Counts (field, value) on the train split with Spark SQL, keeps the values with count >= vocab.minCount, then
 * builds each field's vocabulary on the driver, ordered by count. Plain value columns are turned into (field index, value)
 * rows by one {@code stack} over the scan; list columns (if any) are exploded in a second scan that reads only
 * them; both are counted by one {@code groupBy(field, value).count()}. Null values are not counted; they map to
 * the OOV row.
 */
public final class FrequencyStage {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FrequencyStage.class);

  private FrequencyStage() {}

  public static Vocabulary vocabulary(Dataset<Row> train, List<FieldSpec> fields, AmtlConfig config) {
    return collect(counts(train, fields, config.get(Keys.MIN_COUNT)), fields, config.get(Keys.MIN_COUNT));
  }

  /** The vocabulary of {@code countRows} ({@link #counts}), collected and ordered on the driver. */
  public static Vocabulary collect(Dataset<Row> countRows, List<FieldSpec> fields, long minCount) {
    long start = System.nanoTime();
    // values below minCount go to OOV anyway: dropped where they are counted, they never reach the driver
    List<Row> counts = countRows.collectAsList();
    long counted = System.nanoTime();
    int[] distinct = new int[fields.size()];
    for (Row r : counts) {
      distinct[r.getInt(0)]++;
    }
    String[][] values = new String[fields.size()][];
    long[][] valueCounts = new long[fields.size()][];
    for (int f = 0; f < fields.size(); f++) {
      values[f] = new String[distinct[f]];
      valueCounts[f] = new long[distinct[f]];
    }
    int[] filled = new int[fields.size()];
    for (Row r : counts) {
      int f = r.getInt(0);
      values[f][filled[f]] = r.getString(1);
      valueCounts[f][filled[f]++] = r.getLong(2);
    }
    // fields sort independently: in parallel on the driver's cores
    List<FieldVocabulary> fvs = IntStream.range(0, fields.size()).parallel()
        .mapToObj(f -> FieldVocabulary.fromCounts(fields.get(f).name(), values[f], valueCounts[f], minCount))
        .toList();
    LOG.info(String.format(java.util.Locale.ROOT, "counted %,d distinct values seen at least %d times in %.1f s; "
        + "vocabularies built on the driver in %.1f s", counts.size(), minCount, (counted - start) / 1e9, (System.nanoTime() - counted) / 1e9));
    return new Vocabulary(fvs);
  }

  /**
   * The values seen at least {@code minCount} times, as rows (f = field index, v = value, count); values below it
   * go to OOV anyway, so they are dropped where they are counted.
   */
  public static Dataset<Row> counts(Dataset<Row> train, List<FieldSpec> fields, long minCount) {
    return pairs(train, fields).where(col("v").isNotNull()).groupBy("f", "v").count()
        .where(col("count").geq(minCount));
  }

  /** Every row's (f = field index, v = value) pairs: a stack of the plain columns, a union with exploded lists. */
  private static Dataset<Row> pairs(Dataset<Row> train, List<FieldSpec> fields) {
    StringBuilder stack = new StringBuilder();
    int plain = 0;
    List<Column> lists = new ArrayList<>();
    for (int f = 0; f < fields.size(); f++) {
      String name = "`" + fields.get(f).name().replace("`", "``") + "`";
      if (!fields.get(f).list()) {
        stack.append(", ").append(f).append(", ").append(name);
        plain++;
      } else {
        Column index = lit(f);
        // a null list counts nothing; coalesced to an empty list, else concat would drop the whole row
        Column list = coalesce(InputStage.quoted(fields.get(f).name()),
            array().cast(DataTypes.createArrayType(DataTypes.StringType)));
        lists.add(transform(list, x -> struct(index.as("f"), x.as("v"))));
      }
    }
    Dataset<Row> stacked = plain == 0 ? null : train.selectExpr("stack(" + plain + stack + ") as (f, v)");
    if (lists.isEmpty()) {
      return stacked;
    }
    Dataset<Row> exploded = train.select(explode(concat(lists.toArray(new Column[0]))).as("p"))
        .select(col("p.f").as("f"), col("p.v").as("v"));
    return stacked == null ? exploded : stacked.union(exploded);
  }
}

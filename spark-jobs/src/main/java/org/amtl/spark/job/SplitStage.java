package org.amtl.spark.job;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.util.Seeds;
import org.amtl.spark.io.InputStage;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Splits rows into train and test. Random: a seeded hash of the row's content decides, so the split does not
 * depend on file order or partitioning (identical rows fall on the same side). Time: rows before the cut-off
 * train, the rest test.
 */
public final class SplitStage {
  /** The two sides. */
  public record Split(Dataset<Row> train, Dataset<Row> test) {}

  private static final long BUCKETS = 1_000_000;

  private SplitStage() {}

  public static Split split(InputStage.Input input, AmtlConfig config) {
    Dataset<Row> rows = input.rows();
    Column isTest;
    if (config.get(Keys.SPLIT_MODE) == Keys.SplitMode.RANDOM) {
      long threshold = Math.round(config.getDouble(Keys.SPLIT_TEST_FRACTION) * BUCKETS);
      isTest = pmod(contentHash(rows, Seeds.derive(config.get(Keys.SEED), "split")), lit(BUCKETS)).lt(threshold);
    } else {
      DataType t = rows.schema().apply(InputStage.TIME).dataType();
      String cutoff = config.get(Keys.SPLIT_TIME_CUTOFF);
      Column bound;
      if (t == DataTypes.TimestampType || t == DataTypes.DateType) {
        bound = lit(cutoff).cast(t);
      } else if (t == DataTypes.LongType || t == DataTypes.IntegerType) {
        bound = lit(parseLong(cutoff));
      } else {
        throw new IllegalArgumentException("time column '" + config.get(Keys.SPLIT_TIME_COLUMN) + "' has type "
            + t.simpleString() + " (expected long, int, timestamp or date)");
      }
      isTest = rows.col(InputStage.TIME).geq(bound).or(rows.col(InputStage.TIME).isNull());
    }
    Dataset<Row> train = rows.filter(functions.not(isTest));
    Dataset<Row> test = rows.filter(isTest);
    if (rows.schema().getFieldIndex(InputStage.TIME).isDefined()) {
      train = train.drop(InputStage.TIME);
      test = test.drop(InputStage.TIME);
    }
    return new Split(train, test);
  }

  private static long parseLong(String cutoff) {
    try {
      return Long.parseLong(cutoff.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config key '" + Keys.SPLIT_TIME_CUTOFF.name() + "': value '" + cutoff
          + "' (expected a whole number for a numeric time column)", e);
    }
  }

  /** A 64-bit hash of every column of the row, seeded. */
  public static Column contentHash(Dataset<Row> rows, long seed) {
    List<Column> cols = new ArrayList<>();
    cols.add(lit(seed));
    for (String c : rows.columns()) {
      cols.add(InputStage.quoted(c));
    }
    return xxhash64(cols.toArray(new Column[0]));
  }
}

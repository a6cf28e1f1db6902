package org.amtl.spark.io;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.SyntheticClickLog;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A generated Criteo-like click log: {@code label} and fields C1..Cn of Zipf-distributed string values, labels
 * from the planted model of {@link SyntheticClickLog} (frequent values use more dims unless
 * {@code synthetic.plantedDims=all}). Generated in fixed chunks, each from its own seed, so the log is the same
 * however Spark schedules it.
 */
public final class SyntheticInput {
  static final int CHUNKS = 8;

  private SyntheticInput() {}

  public static Dataset<Row> generate(SparkSession spark, AmtlConfig config) {
    int fields = config.getInt(Keys.SYNTHETIC_FIELDS);
    List<StructField> cols = new ArrayList<>();
    cols.add(DataTypes.createStructField("label", DataTypes.IntegerType, false));
    for (int f = 0; f < fields; f++) {
      cols.add(DataTypes.createStructField("C" + (f + 1), DataTypes.StringType, true));
    }
    StructType schema = DataTypes.createStructType(cols);
    Chunk chunk = new Chunk(fields, config.getInt(Keys.SYNTHETIC_VALUES), config.getDouble(Keys.SYNTHETIC_ZIPF),
        config.getInt(Keys.DIM), config.get(Keys.SEED), config.getInt(Keys.SYNTHETIC_ROWS),
        config.getInt(Keys.SYNTHETIC_DAY), config.get(Keys.SYNTHETIC_PLANTED_DIMS) == Keys.PlantedDims.PREFIX);
    return spark.range(0, CHUNKS, 1, CHUNKS).mapPartitions(chunk, Encoders.row(schema));
  }

  /** Generates the chunks of one partition of {@code range(CHUNKS)}. */
  static final class Chunk implements MapPartitionsFunction<Long, Row> {
    private final int fields;
    private final int values;
    private final double zipf;
    private final int trueDim;
    private final long seed;
    private final int rows;
    private final int day;
    private final boolean prefixSignal;

    Chunk(int fields, int values, double zipf, int trueDim, long seed, int rows, int day, boolean prefixSignal) {
      this.fields = fields;
      this.values = values;
      this.zipf = zipf;
      this.trueDim = trueDim;
      this.seed = seed;
      this.rows = rows;
      this.day = day;
      this.prefixSignal = prefixSignal;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> chunks) {
      SyntheticClickLog log = new SyntheticClickLog(fields, values, zipf, trueDim, 3.0, seed, prefixSignal);
      List<Row> out = new ArrayList<>();
      while (chunks.hasNext()) {
        long c = chunks.next();
        int n = (int) ((c + 1) * rows / CHUNKS - c * rows / CHUNKS);
        String stream = day == 0 ? "synthetic-chunk-" + c : "synthetic-day-" + day + "-chunk-" + c;
        for (SyntheticClickLog.Row r : log.generate(n, seed, stream)) {
          Object[] v = new Object[fields + 1];
          v[0] = r.label();
          for (int f = 0; f < fields; f++) {
            v[f + 1] = SyntheticClickLog.valueOf(f, r.ranks()[f]);
          }
          out.add(RowFactory.create(v));
        }
      }
      return out.iterator();
    }
  }
}

package org.amtl.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.amtl.bench.TrainingThroughput;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.spark.io.FieldSpec;
import org.amtl.spark.io.InputStage;
import org.amtl.spark.io.SyntheticInput;
import org.amtl.spark.job.FrequencyStage;
import org.amtl.spark.job.JobSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The frequency stage against a bare Spark count on the same Parquet: a generated click log (26 fields x 100,000
 * Zipf values) is written once, then, in turn, {@link FrequencyStage#vocabulary} (read, explode (field, value)
 * pairs, count, build the vocabularies) and two bare counts collected to the driver: {@code stack} of the 26
 * (field index, value) pairs in one scan, then {@code groupBy(field, value).count()}; and the union of 26
 * {@code select(field index, value)} (26 scans) with the same count. Prints the medians and the ratios.
 * Usage: {@code FrequencyStageBenchmark [rows] [repeats]}.
 */
public final class FrequencyStageBenchmark {
  private FrequencyStageBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("amtl-frequency-bench");
    SparkSession spark = JobSession.session("amtl-frequency-benchmark");
    spark.conf().set("spark.sql.constraintPropagation.enabled", "false");
    try {
      AmtlConfig generated = AmtlConfig.defaults().with(Keys.SYNTHETIC_ROWS, rows)
          .with(Keys.SYNTHETIC_VALUES, 100_000).with(Keys.SYNTHETIC_FIELDS, 26);
      String parquet = dir.resolve("log").toString();
      SyntheticInput.generate(spark, generated).write().parquet(parquet);
      AmtlConfig config = AmtlConfig.defaults().with(Keys.INPUT_PATHS, java.util.List.of(parquet)).validate();
      InputStage.Input input = InputStage.read(spark, config);
      double[] ours = new double[repeats];
      double[] stacked = new double[repeats];
      double[] unioned = new double[repeats];
      for (int r = -1; r < repeats; r++) { // r = -1 warms up all three
        long t0 = System.nanoTime();
        int values = FrequencyStage.vocabulary(input.rows(), input.fields(), config).fields().stream()
            .mapToInt(f -> f.size()).sum();
        long t1 = System.nanoTime();
        long stackPairs = stackCount(spark.read().parquet(parquet), input.fields());
        long t2 = System.nanoTime();
        long unionPairs = unionCount(spark.read().parquet(parquet), input.fields());
        long t3 = System.nanoTime();
        if (r >= 0) {
          ours[r] = (t1 - t0) / 1e9;
          stacked[r] = (t2 - t1) / 1e9;
          unioned[r] = (t3 - t2) / 1e9;
        }
        System.out.printf(Locale.ROOT, "repeat %d: frequency stage %.2f s (%d values), bare count with stack %.2f s "
            + "(%d pairs), with union %.2f s (%d pairs)%n", r, (t1 - t0) / 1e9, values, (t2 - t1) / 1e9, stackPairs,
            (t3 - t2) / 1e9, unionPairs);
      }
      double o = TrainingThroughput.median(ours);
      System.out.printf(Locale.ROOT, "frequency stage on %,d rows x %d fields: %.2f s; bare groupBy count: %.2f s with "
          + "stack (ours %.2fx), %.2f s with union (ours %.2fx)%n", rows, input.fields().size(), o, TrainingThroughput.median(stacked),
          o / TrainingThroughput.median(stacked), TrainingThroughput.median(unioned), o / TrainingThroughput.median(unioned));
    } finally {
      spark.stop();
      org.apache.commons.io.FileUtils.deleteQuietly(dir.toFile());
    }
  }

  /** One scan: stack(n, 0, C1, 1, C2, ...) as (f, v), nulls dropped, then groupBy(f, v).count(), collected. */
  static long stackCount(Dataset<Row> raw, java.util.List<FieldSpec> fields) {
    StringBuilder expr = new StringBuilder("stack(").append(fields.size());
    for (int f = 0; f < fields.size(); f++) {
      expr.append(", ").append(f).append(", cast(`").append(fields.get(f).name()).append("` as string)");
    }
    expr.append(") as (f, v)");
    return raw.selectExpr(expr.toString()).where(col("v").isNotNull()).groupBy("f", "v").count().collectAsList()
        .size();
  }

  /** union over fields of select(field index, value), then groupBy(field, value).count(), collected. */
  static long unionCount(Dataset<Row> raw, java.util.List<FieldSpec> fields) {
    Dataset<Row> pairs = null;
    for (int f = 0; f < fields.size(); f++) {
      Dataset<Row> one = raw.select(lit(f).as("f"), col(fields.get(f).name()).cast("string").as("v"))
          .where(col("v").isNotNull());
      pairs = pairs == null ? one : pairs.union(one);
    }
    return pairs.groupBy("f", "v").count().collectAsList().size();
  }
}

package org.amtl.spark.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;

import java.util.Arrays;
import java.util.List;
import org.amtl.core.config.Keys;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the click log's files in a format other than Parquet through Spark's readers: ORC as typed; CSV with a
 * header line, every column a string; JSON one object per line, typed as Spark infers. A CSV row with more or fewer
 * fields than the header, or a line that is not a JSON object, stops the job before anything is counted, naming the
 * file and the row; CSV files whose headers differ stop it naming the file.
 */
final class FormatReader {
  /** The column where Spark keeps the text of a row it could not parse. */
  static final String CORRUPT = "_corrupt_record";

  private FormatReader() {}

  static Dataset<Row> read(SparkSession spark, Keys.InputFormat format, List<Path> files) {
    String[] paths = files.stream().map(Object::toString).toArray(String[]::new);
    return switch (format) {
      case ORC -> spark.read().orc(paths);
      case CSV -> {
        // the header gives the columns, all strings; then every row is parsed against them
        DataFrameReader csv = spark.read().option("header", true).option("enforceSchema", false);
        StructType header = csv.option("inferSchema", false).csv(paths).schema();
        yield checked(csv.schema(header.add(CORRUPT, DataTypes.StringType)).option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT).csv(paths), "CSV row", header.size());
      }
      case JSON -> checked(spark.read().option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT)
          .json(paths), "JSON line", -1);
      case PARQUET -> throw new IllegalArgumentException("Parquet is read by InputStage, after its footers are "
          + "checked");
    };
  }

  /**
   * Fails on the first row Spark could not parse, naming its file and text; returns the rows without the corrupt
   * record column.
   */
  private static Dataset<Row> checked(Dataset<Row> raw, String what, int columns) {
    if (!Arrays.asList(raw.columns()).contains(CORRUPT)) {
      return raw; // JSON adds the column only when some line is malformed
    }
    // Spark refuses a query of a text source that reads the corrupt record column alone: read every column
    Column[] all = Arrays.stream(raw.columns()).map(InputStage::quoted).toArray(Column[]::new);
    List<Row> first = raw.filter(col(CORRUPT).isNotNull()).select(all).withColumn("_file", input_file_name())
        .limit(1).collectAsList();
    if (!first.isEmpty()) {
      Row r = first.get(0);
      throw new IllegalArgumentException("file " + r.getString(r.fieldIndex("_file")) + ": malformed " + what + " '"
          + r.getString(r.fieldIndex(CORRUPT)).strip() + "'" + (columns < 0 ? " (expected one JSON object per line)"
              : " (expected " + columns + " comma-separated fields, as in the header)"));
    }
    return raw.drop(CORRUPT);
  }
}

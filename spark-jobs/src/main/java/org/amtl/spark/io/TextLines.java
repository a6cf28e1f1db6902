package org.amtl.spark.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.spark_partition_id;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Text input for the importers: every line with its file and position, and the check that names the first
 * malformed line by file and line number (or counts malformed lines where skipping is allowed).
 */
final class TextLines {
  private TextLines() {}

  /** Lines of the files (gzip accepted) with columns file, part, pos, line. */
  static Dataset<Row> read(SparkSession spark, String... paths) {
    return spark.read().text(paths).select(input_file_name().as("file"), spark_partition_id().as("part"),
        monotonically_increasing_id().as("pos"), col("value").as("line"));
  }

  /**
   * Fails on the first line where {@code bad} holds, naming its file, line number and text and what was expected;
   * with {@code skip}, returns how many such lines there are instead.
   */
  static long check(Dataset<Row> lines, Column bad, boolean skip, String expected) {
    if (skip) {
      return lines.filter(bad).count();
    }
    List<Row> first = lines.filter(bad).orderBy("file", "pos").limit(1).collectAsList();
    if (first.isEmpty()) {
      return 0;
    }
    Row r = first.get(0);
    String file = r.getAs("file");
    int part = r.getAs("part");
    long pos = r.getAs("pos");
    Dataset<Row> same = lines.filter(col("file").equalTo(lit(file)));
    long before = same.filter(col("part").lt(part)).count();
    long partStart = same.filter(col("part").equalTo(part)).agg(min("pos")).first().getLong(0);
    long lineNumber = before + (pos - partStart) + 1;
    String text = r.getAs("line");
    throw new IllegalArgumentException("file " + file + " line " + lineNumber + ": malformed line '"
        + (text.length() > 200 ? text.substring(0, 200) + "..." : text) + "' (expected " + expected
        + "; set import.skipMalformed=true to skip and count such lines)");
  }
}

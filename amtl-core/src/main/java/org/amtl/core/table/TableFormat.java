package org.amtl.core.table;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Names and schemas of the table format, version {@value #VERSION} (docs/table-format.md).
 * <pre>
 *   embeddings/field=&lt;name&gt;/part-NNNNN.parquet   value (string, null for the OOV row), id, count, dim, vector,
 *                                                 and weight under DeepFM and Wide&amp;Deep; part k holds ids
 *                                                 [k R, (k + 1) R), R = output.rowsPerPart
 *   dense/part-00000.parquet                      name, rows, cols, values (row-major)
 *   frequencies/part-00000.parquet                field, value, id, count
 *   manifest.json                                 written last: the commit point
 *   _SUCCESS                                      empty marker, after the manifest
 * </pre>
 * Field names in folder names are percent-encoded (as Hive and Spark partition folders are). Version 1 had one
 * part per field, and the first-order weights in the dense file (as tensors {@code fieldN.wide}); readers read both.
 */
public final class TableFormat {
  /** The manifest's format name: readers refuse a folder whose manifest names another format. */
  public static final String NAME = "amtl-embedding-table";
  public static final int VERSION = 2;
  /** The oldest version readers still read. */
  public static final int OLDEST_READABLE = 1;
  public static final String EMBEDDINGS = "embeddings";
  public static final String DENSE = "dense";
  public static final String FREQUENCIES = "frequencies";
  public static final String MANIFEST = "manifest.json";
  public static final String SUCCESS = "_SUCCESS";
  public static final String PART = "part-00000.parquet";

  public static final MessageType EMBEDDING_SCHEMA = MessageTypeParser.parseMessageType(
      "message embedding { optional binary value (STRING); required int32 id; required int64 count; "
          + "required int32 dim; required group vector (LIST) { repeated group list { required float element; } } }");
  /** The embedding schema under DeepFM and Wide&amp;Deep: each row also holds its value's first-order weight. */
  public static final MessageType WEIGHTED_EMBEDDING_SCHEMA = MessageTypeParser.parseMessageType(
      "message embedding { optional binary value (STRING); required int32 id; required int64 count; "
          + "required int32 dim; required group vector (LIST) { repeated group list { required float element; } } "
          + "required float weight; }");
  public static final MessageType DENSE_SCHEMA = MessageTypeParser.parseMessageType(
      "message dense { required binary name (STRING); required int32 rows; required int32 cols; "
          + "required group values (LIST) { repeated group list { required float element; } } }");
  public static final MessageType FREQUENCY_SCHEMA = MessageTypeParser.parseMessageType(
      "message frequency { required binary field (STRING); optional binary value (STRING); required int32 id; "
          + "required int64 count; }");

  private TableFormat() {}

  /** Relative path of part {@code part} of a field's embeddings. */
  public static String embeddingFile(String field, int part) {
    return EMBEDDINGS + "/field=" + URLEncoder.encode(field, StandardCharsets.UTF_8).replace("+", "%20") + "/"
        + part(part);
  }

  /** The file name of part {@code k}: part-00000.parquet, part-00001.parquet, ... */
  public static String part(int k) {
    return String.format(java.util.Locale.ROOT, "part-%05d.parquet", k);
  }

  /** How many parts of at most {@code rowsPerPart} rows hold {@code rows} rows (at least one). */
  public static int parts(long rows, int rowsPerPart) {
    return (int) Math.max(1, (rows + rowsPerPart - 1) / rowsPerPart);
  }

  /** The field name of an embeddings/field=... folder name. */
  public static String fieldOfFolder(String folder) {
    if (!folder.startsWith("field=")) {
      throw new IllegalArgumentException("embedding folder '" + folder + "' (expected field=<name>)");
    }
    return URLDecoder.decode(folder.substring("field=".length()), StandardCharsets.UTF_8);
  }
}

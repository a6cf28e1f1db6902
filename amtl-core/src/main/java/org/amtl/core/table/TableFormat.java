package org.amtl.core.table;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Names and schemas of the table format, version {@value #VERSION}.
 * <pre>
 *   embeddings/field=&lt;name&gt;/part-00000.parquet   value (string, null for the OOV row), id, count, dim, vector
 *   dense/part-00000.parquet                      name, rows, cols, values (row-major)
 *   frequencies/part-00000.parquet                field, value, id, count
 *   manifest.json                                 written last: the commit point
 *   _SUCCESS                                      empty marker, after the manifest
 * </pre>
 * Field names in folder names are percent-encoded (as Hive and Spark partition folders are).
 */
public final class TableFormat {
  /** The manifest's format name: readers refuse a folder whose manifest names another format. */
  public static final String NAME = "amtl-embedding-table";
  public static final int VERSION = 1;
  public static final String EMBEDDINGS = "embeddings";
  public static final String DENSE = "dense";
  public static final String FREQUENCIES = "frequencies";
  public static final String MANIFEST = "manifest.json";
  public static final String SUCCESS = "_SUCCESS";
  public static final String PART = "part-00000.parquet";

  public static final MessageType EMBEDDING_SCHEMA = MessageTypeParser.parseMessageType(
      "message embedding { optional binary value (STRING); required int32 id; required int64 count; "
          + "required int32 dim; required group vector (LIST) { repeated group list { required float element; } } }");
  public static final MessageType DENSE_SCHEMA = MessageTypeParser.parseMessageType(
      "message dense { required binary name (STRING); required int32 rows; required int32 cols; "
          + "required group values (LIST) { repeated group list { required float element; } } }");
  public static final MessageType FREQUENCY_SCHEMA = MessageTypeParser.parseMessageType(
      "message frequency { required binary field (STRING); optional binary value (STRING); required int32 id; "
          + "required int64 count; }");

  private TableFormat() {}

  /** Relative path of a field's embedding file. */
  public static String embeddingFile(String field) {
    return EMBEDDINGS + "/field=" + URLEncoder.encode(field, StandardCharsets.UTF_8).replace("+", "%20") + "/"
        + PART;
  }

  /** The field name of an embeddings/field=... folder name. */
  public static String fieldOfFolder(String folder) {
    if (!folder.startsWith("field=")) {
      throw new IllegalArgumentException("embedding folder '" + folder + "' (expected field=<name>)");
    }
    return URLDecoder.decode(folder.substring("field=".length()), StandardCharsets.UTF_8);
  }
}

package org.amtl.spark.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Reads the click log (Parquet, ORC, CSV or JSON at any Hadoop paths, or a generated log) and normalises it to
 * {@code _label: float, <features>: string or array<string>, [_time]}. Schema problems fail before any data is
 * read; label values are checked in one pass that names the file and value of the first bad row.
 */
public final class InputStage {
  public static final String LABEL = "_label";
  public static final String TIME = "_time";
  private static final Set<DataType> VALUE_TYPES = Set.of(DataTypes.StringType, DataTypes.IntegerType,
      DataTypes.LongType);
  private static final Set<DataType> LABEL_TYPES = Set.of(DataTypes.IntegerType, DataTypes.LongType,
      DataTypes.DoubleType, DataTypes.FloatType, DataTypes.BooleanType, DataTypes.ShortType, DataTypes.ByteType,
      DataTypes.StringType);

  /** The normalised rows, the fields in order, where they came from, and the generated log kept in memory. */
  public record Input(Dataset<Row> rows, List<FieldSpec> fields, List<String> paths, Dataset<Row> kept) {
    /** Frees what this input holds in memory. */
    public void release() {
      if (kept != null) {
        kept.unpersist();
      }
    }
  }

  private InputStage() {}

  public static Input read(SparkSession spark, AmtlConfig config) throws java.io.IOException {
    List<String> paths = config.get(Keys.INPUT_PATHS);
    Dataset<Row> raw;
    String label;
    if (paths.isEmpty()) {
      // generated once and kept: every later pass (label check, counts, encoding) reads the same rows
      raw = SyntheticInput.generate(spark, config).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
      label = "label";
    } else {
      raw = readFiles(spark, paths, config.get(Keys.INPUT_FORMAT));
      label = config.get(Keys.INPUT_LABEL);
    }
    String where = paths.isEmpty() ? "the generated log" : "input " + paths;
    String timeColumn = config.get(Keys.SPLIT_MODE) == Keys.SplitMode.TIME ? config.get(Keys.SPLIT_TIME_COLUMN) : "";
    List<String> names = new ArrayList<>(config.get(Keys.INPUT_FEATURES));
    if (names.isEmpty()) {
      for (String c : raw.columns()) {
        if (!c.equals(label) && !c.equals(timeColumn)) {
          names.add(c);
        }
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(where + ": no feature columns (columns: " + Arrays.toString(raw.columns())
          + ")");
    }
    List<FieldSpec> fields = new ArrayList<>();
    List<Column> select = new ArrayList<>();
    for (String name : names) {
      FieldSpec spec = feature(raw, name, where, Keys.INPUT_FEATURES.name());
      fields.add(spec);
      select.add(asStrings(spec).as(name));
    }
    if (!timeColumn.isEmpty()) {
      field(raw, timeColumn, where, Keys.SPLIT_TIME_COLUMN.name());
      select.add(quoted(timeColumn).as(TIME));
    }
    select.add(0, label(raw, label, where, Keys.INPUT_LABEL.name()).as(LABEL)); // its values scanned last
    return new Input(raw.select(select.toArray(new Column[0])), fields, paths, paths.isEmpty() ? raw : null);
  }

  /** The files under {@code paths} in {@code format}, checked as the training job checks them (Parquet footers). */
  public static Dataset<Row> readFiles(SparkSession spark, List<String> paths, Keys.InputFormat format)
      throws java.io.IOException {
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<org.apache.hadoop.fs.Path> files = InputFiles.list(paths, conf);
    if (format == Keys.InputFormat.PARQUET) {
      InputFiles.checkFooters(files, conf);
      return spark.read().parquet(files.stream().map(Object::toString).toArray(String[]::new));
    }
    return FormatReader.read(spark, format, files);
  }

  /**
   * The label column {@code name} of {@code raw} as a float 0/1, after checking its type and every value (the first
   * bad one named with its file); {@code key} is the config key that named the column.
   */
  public static Column label(Dataset<Row> raw, String name, String where, String key) {
    StructField labelField = field(raw, name, where, key);
    if (!LABEL_TYPES.contains(labelField.dataType())) {
      throw new IllegalArgumentException(where + ": label column '" + name + "' has type "
          + labelField.dataType().simpleString() + " (expected int, long, double, boolean or string holding 0/1)");
    }
    Column labelCol = quoted(name);
    checkLabels(raw, labelCol, labelField.dataType(), name, where);
    return labelField.dataType() == DataTypes.BooleanType
        ? when(labelCol, lit(1f)).when(functions.not(labelCol), lit(0f)) : labelCol.cast(DataTypes.FloatType);
  }

  /** Feature column {@code name} of {@code raw}: one value or a list, after checking its type. */
  public static FieldSpec feature(Dataset<Row> raw, String name, String where, String key) {
    DataType t = field(raw, name, where, key).dataType();
    boolean list = t instanceof ArrayType a && VALUE_TYPES.contains(a.elementType());
    if (!list && !VALUE_TYPES.contains(t)) {
      throw new IllegalArgumentException(where + ": feature column '" + name + "' has type " + t.simpleString()
          + " (expected string, int, long, or an array of those)");
    }
    return new FieldSpec(name, list);
  }

  /** A feature column's values as the job reads them: strings, or an array of strings for a list field. */
  public static Column asStrings(FieldSpec spec) {
    return quoted(spec.name()).cast(spec.list() ? DataTypes.createArrayType(DataTypes.StringType)
        : DataTypes.StringType);
  }

  /** Fails on the first null, NaN or non-0/1 label, naming its file and value. */
  private static void checkLabels(Dataset<Row> raw, Column label, DataType type, String name, String where) {
    Column bad = label.isNull();
    if (type != DataTypes.BooleanType) { // a string that is no number reads as null here, and is bad
      Column asDouble = label.try_cast(DataTypes.DoubleType);
      bad = bad.or(asDouble.isNull()).or(asDouble.isNaN())
          .or(asDouble.notEqual(lit(0.0)).and(asDouble.notEqual(lit(1.0))));
    }
    List<Row> first = raw.filter(bad).select(input_file_name(), label.cast(DataTypes.StringType)).limit(1)
        .collectAsList();
    if (!first.isEmpty()) {
      String file = first.get(0).getString(0);
      throw new IllegalArgumentException((file == null || file.isEmpty() ? where : "file " + file)
          + ": label column '" + name + "' has value " + first.get(0).getString(1) + " (expected 0 or 1)");
    }
  }

  private static StructField field(Dataset<Row> raw, String name, String where, String key) {
    for (StructField f : raw.schema().fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(where + ": no column '" + name + "' (named by config key '" + key
        + "'; columns: " + Arrays.toString(raw.columns()) + ")");
  }

  public static Column quoted(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }
}

package org.amtl.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Counts (field, value) on the train split in one pass of Spark SQL (every row becomes its (field index, value)
 * pairs, exploded and counted), then builds each field's vocabulary on the driver: values with count >=
 * vocab.minCount, ordered by count. Null values are not counted; they map to the OOV row.
 */
final class FrequencyStage {
  private FrequencyStage() {}

  static Vocabulary vocabulary(Dataset<Row> train, List<FieldSpec> fields, AmtlConfig config) {
    List<Column> pairs = new ArrayList<>();
    for (int f = 0; f < fields.size(); f++) {
      Column c = InputStage.quoted(fields.get(f).name());
      Column index = lit(f);
      // a null list counts nothing; coalesced to an empty list, else concat would drop the whole row
      Column list = coalesce(c, array().cast(DataTypes.createArrayType(DataTypes.StringType)));
      pairs.add(fields.get(f).list()
          ? transform(list, x -> struct(index.as("f"), x.as("v")))
          : array(struct(index.as("f"), c.as("v"))));
    }
    List<Row> counts = train.select(explode(concat(pairs.toArray(new Column[0]))).as("p"))
        .select(col("p.f").as("f"), col("p.v").as("v"))
        .where(col("v").isNotNull())
        .groupBy("f", "v").count()
        .collectAsList();
    List<Map<String, Long>> perField = new ArrayList<>();
    for (int f = 0; f < fields.size(); f++) {
      perField.add(new HashMap<>());
    }
    for (Row r : counts) {
      perField.get(r.getInt(0)).put(r.getString(1), r.getLong(2));
    }
    List<FieldVocabulary> fvs = new ArrayList<>();
    long minCount = config.get(Keys.MIN_COUNT);
    for (int f = 0; f < fields.size(); f++) {
      fvs.add(FieldVocabulary.fromCounts(fields.get(f).name(), perField.get(f), minCount));
    }
    return new Vocabulary(fvs);
  }
}

package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.amtl.spark.LocalSparkTest;
import org.amtl.spark.io.FieldSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Ids assigned on the executors are the driver's ids, value for value. */
class VocabularyIdsTest extends LocalSparkTest {
  /**
   * A plain and a list field whose values tie in count, some outside the BMP (where Java's order and UTF-8's
   * differ), with values below the minimum count; the rows spread over several partitions.
   */
  @Test
  void theSameIdsAsTheDriversVocabularyWithTiesOutsideTheBmp() {
    String[] alphabet = {"a", "b", "ab", "\uFF61", "\uD83D\uDE00", "\uD83D\uDE00x", "\u00e9", "z", "", "\uFFFF"};
    SplittableRandom rnd = new SplittableRandom(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      List<String> tags = new ArrayList<>();
      for (int t = rnd.nextInt(3); t > 0; t--) { // some tag values are seen once: below the minimum count
        tags.add(alphabet[rnd.nextInt(alphabet.length)] + rnd.nextInt(i < 2_900 ? 4 : 1_000));
      }
      // counts tie often: few distinct counts among the values of "item"
      rows.add(RowFactory.create(alphabet[i % alphabet.length] + (i % 7), tags));
    }
    StructType schema = new StructType().add("item", DataTypes.StringType)
        .add("tags", DataTypes.createArrayType(DataTypes.StringType));
    Dataset<Row> train = spark.createDataFrame(rows, schema).repartition(5);
    List<FieldSpec> fields = List.of(new FieldSpec("item", false), new FieldSpec("tags", true));
    long minCount = 2;
    Vocabulary driver = FrequencyStage.vocabulary(train, fields,
        AmtlConfig.defaults().with(Keys.MIN_COUNT, minCount));
    VocabularyIds.Assigned assigned = VocabularyIds.assign(spark, FrequencyStage.counts(train, fields, minCount),
        List.of("item", "tags"));
    assertArrayEquals(driver.fields().stream().mapToInt(FieldVocabulary::rows).toArray(),
        assigned.rowsPerField());
    for (int f = 0; f < fields.size(); f++) {
      FieldVocabulary v = driver.field(f);
      long total = java.util.stream.IntStream.range(1, v.rows()).mapToLong(v::count).sum();
      assertEquals(new VocabularyIds.FieldStats(v.rows(), v.count(v.size()), v.count(1), total),
          assigned.fields().get(f), v.name());
    }
    List<Row> ids = assigned.ids().collectAsList();
    assertEquals(driver.fields().stream().mapToInt(v -> v.rows() - 1).sum(), ids.size());
    boolean tiesOutsideTheBmp = false;
    for (Row r : ids) {
      FieldVocabulary field = driver.field(r.getInt(0));
      int id = r.getInt(2);
      assertEquals(field.value(id), r.getString(1), "field " + field.name() + ", id " + id);
      assertEquals(field.count(id), r.getLong(3), "field " + field.name() + ", id " + id);
      tiesOutsideTheBmp |= id > 1 && field.count(id - 1) == field.count(id)
          && field.value(id).codePoints().anyMatch(Character::isSupplementaryCodePoint);
    }
    assertTrue(tiesOutsideTheBmp, "the log has ties between values outside the BMP");
  }
}

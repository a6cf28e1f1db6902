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
import org.amtl.spark.io.InputStage;
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
    Dataset<Row> counts = FrequencyStage.counts(train, fields, minCount);
    VocabularyIds.Assigned assigned = VocabularyIds.assign(spark, counts,
        VocabularyIds.stats(counts, List.of("item", "tags")));
    assertArrayEquals(driver.fields().stream().mapToInt(FieldVocabulary::rows).toArray(),
        assigned.rowsPerField());
    assertEquals(driver.fields().stream().map(FieldVocabulary::stats).toList(), assigned.fields());
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

  /**
   * Encoding by a join on (field, value) with the executors' ids lays out the same blocks as encoding with the
   * broadcast vocabulary: null values, unseen values, null and empty lists, equal rows.
   */
  @Test
  void encodingByJoinGivesTheBroadcastEncodersBlocks() {
    StructType schema = new StructType().add(InputStage.LABEL, DataTypes.FloatType)
        .add("item", DataTypes.StringType).add("tags", DataTypes.createArrayType(DataTypes.StringType));
    SplittableRandom rnd = new SplittableRandom(5);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      int n = rnd.nextInt(5) - 1;
      List<String> tags = n < 0 ? null : new ArrayList<>();
      for (int t = 0; t < n; t++) {
        tags.add("t" + rnd.nextInt(i < 1_900 ? 30 : 3_000));
      }
      String item = rnd.nextInt(20) == 0 ? null : "\uD83D\uDE00" + rnd.nextInt(i < 1_900 ? 50 : 5_000);
      rows.add(RowFactory.create(rnd.nextInt(4) == 0 ? 1f : 0f, item, tags));
    }
    rows.addAll(rows.subList(0, 100)); // equal rows
    Dataset<Row> log = spark.createDataFrame(rows, schema).repartition(3);
    List<FieldSpec> fields = List.of(new FieldSpec("item", false), new FieldSpec("tags", true));
    Vocabulary vocab = FrequencyStage.vocabulary(log, fields, AmtlConfig.defaults().with(Keys.MIN_COUNT, 2L));
    Dataset<Row> counts = FrequencyStage.counts(log, fields, 2);
    Dataset<Row> ids = VocabularyIds.assign(spark, counts, VocabularyIds.stats(counts, List.of("item", "tags")))
        .ids();
    org.apache.spark.broadcast.Broadcast<Vocabulary> broadcast =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(vocab);
    List<String> byBroadcast = layout(EncodeStage.encode(log, fields, broadcast, 4, 42, "train"));
    List<String> byJoin = layout(EncodeStage.encodeByJoin(log, fields, ids, 4, 42, "train"));
    broadcast.destroy();
    assertEquals(rows.size(), byBroadcast.size());
    assertTrue(byBroadcast.stream().anyMatch(l -> l.contains("[0]")), "some values are OOV");
    assertEquals(byBroadcast, byJoin);
  }

  /** Every example of every block as "partition:label[ids]", in block order. */
  static List<String> layout(org.apache.spark.api.java.JavaRDD<org.amtl.core.data.ExampleBlock> blocks) {
    List<String> out = blocks.mapPartitionsWithIndex((p, it) -> {
      List<String> lines = new ArrayList<>();
      it.forEachRemaining(block -> {
        for (int r = 0; r < block.size(); r++) {
          org.amtl.core.data.Example e = block.example(r);
          lines.add(p + ":" + e.label() + java.util.Arrays.deepToString(e.ids()));
        }
      });
      return lines.iterator();
    }, true).collect();
    blocks.unpersist();
    return out;
  }
}

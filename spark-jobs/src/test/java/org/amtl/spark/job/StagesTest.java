package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.amtl.spark.LocalSparkTest;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.Example;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.amtl.spark.io.FieldSpec;
import org.amtl.spark.io.InputStage;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Each stage of the job on small Parquet logs written by the test. */
class StagesTest extends LocalSparkTest {
  static final StructType SCHEMA = new StructType()
      .add("clicked", DataTypes.BooleanType)
      .add("user", DataTypes.LongType)
      .add("item", DataTypes.StringType)
      .add("tags", DataTypes.createArrayType(DataTypes.IntegerType))
      .add("day", DataTypes.IntegerType);

  /** Writes rows as Parquet under a fresh folder and returns its path. */
  static String parquet(String name, StructType schema, List<Row> rows) {
    String path = dir.resolve(name).toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);
    return path;
  }

  static List<Row> clickLog() {
    return List.of(
        RowFactory.create(true, 7L, "a", new int[] {1, 2}, 1),
        RowFactory.create(false, 7L, "a", new int[] {2}, 1),
        RowFactory.create(false, 8L, "b", null, 2),
        RowFactory.create(true, 9L, null, new int[] {}, 2),
        RowFactory.create(false, 7L, "c", new int[] {1}, 3),
        RowFactory.create(true, 8L, "a", new int[] {3, 1}, 3));
  }

  static List<Row> toRows(List<Row> rows) {
    return rows.stream().map(r -> RowFactory.create(r.get(0), r.get(1), r.get(2),
        r.get(3) == null ? null : Arrays.stream((int[]) r.get(3)).boxed().toList(), r.get(4))).toList();
  }

  static AmtlConfig config(String path) {
    return AmtlConfig.defaults().with(Keys.INPUT_PATHS, List.of(path)).with(Keys.INPUT_LABEL, "clicked")
        .with(Keys.SPLIT_MODE, Keys.SplitMode.TIME).with(Keys.SPLIT_TIME_COLUMN, "day")
        .with(Keys.SPLIT_TIME_CUTOFF, "3");
  }

  @Test
  void readsTypesSplitsByTimeCountsAndEncodes() throws Exception {
    String path = parquet("log", SCHEMA, toRows(clickLog()));
    AmtlConfig config = config(path);
    InputStage.Input input = InputStage.read(spark, config);
    assertEquals(List.of(new FieldSpec("user", false), new FieldSpec("item", false), new FieldSpec("tags", true)),
        input.fields());
    SplitStage.Split split = SplitStage.split(input, config);
    assertEquals(4, split.train().count());
    assertEquals(2, split.test().count());

    Vocabulary vocab = FrequencyStage.vocabulary(split.train(), input.fields(), config);
    FieldVocabulary user = vocab.field(0);
    assertEquals("7", user.value(1)); // 7 appears twice in days 1-2, 8 and 9 once
    assertEquals(2, user.count(1));
    FieldVocabulary item = vocab.field(1);
    assertEquals(List.of("a", "b"), List.of(item.value(1), item.value(2))); // the null item is not counted
    FieldVocabulary tags = vocab.field(2);
    assertEquals("2", tags.value(1)); // tag 2 twice, tag 1 once
    assertEquals(2, tags.count(1));
    Vocabulary frequent = FrequencyStage.vocabulary(split.train(), input.fields(), config.with(Keys.MIN_COUNT, 2L));
    assertEquals(List.of(1, 1, 1), frequent.fields().stream().map(FieldVocabulary::size).toList(),
        "seen twice: user 7, item a, tag 2");
    assertEquals(List.of("7", "a", "2"), frequent.fields().stream().map(f -> f.value(1)).toList());

    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Vocabulary> bv = sc.broadcast(vocab);
    List<Example> test = examples(EncodeStage.encode(split.test(), input.fields(), bv, 2, 1, "test"));
    assertEquals(2, test.size());
    for (Example e : test) { // day 3: (7, c, [1]) clicked=false and (8, a, [3, 1]) clicked=true
      if (e.label() == 0f) {
        assertArrayEquals(new int[] {user.idOf("7")}, e.ids()[0]);
        assertArrayEquals(new int[] {FieldVocabulary.OOV}, e.ids()[1], "unseen item c goes to OOV");
        assertArrayEquals(new int[] {tags.idOf("1")}, e.ids()[2]);
      } else {
        assertArrayEquals(new int[] {FieldVocabulary.OOV, tags.idOf("1")}, e.ids()[2], "unseen tag 3 -> OOV");
      }
    }
    List<Example> train = examples(EncodeStage.encode(split.train(), input.fields(), bv, 2, 1, "train"));
    Example nullItem = train.stream().filter(e -> e.ids()[0][0] == user.idOf("9")).findFirst().orElseThrow();
    assertArrayEquals(new int[] {FieldVocabulary.OOV}, nullItem.ids()[1], "null goes to OOV");
    assertArrayEquals(new int[] {FieldVocabulary.OOV}, nullItem.ids()[2], "an empty list goes to OOV");
    bv.destroy();
  }

  /** The encoded blocks' rows, partition by partition. */
  private static List<Example> examples(org.apache.spark.api.java.JavaRDD<ExampleBlock> blocks) {
    return blocks.collect().stream()
        .flatMap(b -> java.util.stream.IntStream.range(0, b.size()).mapToObj(b::example)).toList();
  }

  @Test
  void layoutDependsOnTheSeedNotOnFileOrder() throws Exception {
    String a = parquet("ordered", SCHEMA, toRows(clickLog()));
    List<Row> reversed = new java.util.ArrayList<>(toRows(clickLog()));
    java.util.Collections.reverse(reversed);
    String b = parquet("reversed", SCHEMA, reversed);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<List<String>> layouts = new java.util.ArrayList<>();
    for (String path : List.of(a, b)) {
      AmtlConfig config = config(path).with(Keys.SPLIT_MODE, Keys.SplitMode.RANDOM)
          .with(Keys.SPLIT_TEST_FRACTION, 0.01);
      InputStage.Input input = InputStage.read(spark, config);
      Vocabulary vocab = FrequencyStage.vocabulary(input.rows(), input.fields(), config);
      Broadcast<Vocabulary> bv = sc.broadcast(vocab);
      layouts.add(EncodeStage.encode(input.rows(), input.fields(), bv, 3, 42, "train")
          .mapPartitionsWithIndex((p, it) -> {
            List<String> out = new java.util.ArrayList<>();
            it.forEachRemaining(block -> {
              for (int r = 0; r < block.size(); r++) {
                Example e = block.example(r);
                out.add(p + ":" + e.label() + Arrays.deepToString(e.ids()));
              }
            });
            return out.iterator();
          }, true).collect());
      bv.destroy();
    }
    assertEquals(layouts.get(0), layouts.get(1));
  }

  @Test
  void badInputFailsNamingColumnFileAndValue() {
    String path = parquet("badlabel", new StructType().add("label", DataTypes.DoubleType)
        .add("item", DataTypes.StringType), List.of(RowFactory.create(1.0, "a"), RowFactory.create(0.5, "b")));
    AmtlConfig base = AmtlConfig.defaults().with(Keys.INPUT_PATHS, List.of(path));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputStage.read(spark, base));
    assertTrue(e.getMessage().contains("value 0.5") && e.getMessage().contains("part-")
        && e.getMessage().contains("'label'"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class,
        () -> InputStage.read(spark, base.with(Keys.INPUT_FEATURES, List.of("item", "price"))));
    assertTrue(e.getMessage().contains("no column 'price'") && e.getMessage().contains("input.features"),
        e.getMessage());

    String typed = parquet("typed", new StructType().add("label", DataTypes.IntegerType)
        .add("price", DataTypes.DoubleType), List.of(RowFactory.create(1, 2.5)));
    e = assertThrows(IllegalArgumentException.class,
        () -> InputStage.read(spark, AmtlConfig.defaults().with(Keys.INPUT_PATHS, List.of(typed))));
    assertTrue(e.getMessage().contains("'price' has type double"), e.getMessage());
  }
}

package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.table.Manifest;
import org.amtl.spark.cli.JobMain;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input, one test per case: the job stops before training with one message naming the file, column, key or
 * value, writes nothing, and leaves the previous published run intact.
 */
class BadInputMatrixTest extends LocalSparkTest {
  static Path out;
  static String previousManifest;
  static final StructType LOG = new StructType().add("label", DataTypes.IntegerType)
      .add("item", DataTypes.StringType).add("user", DataTypes.LongType);

  @BeforeAll
  static void publishPrevious() throws Exception {
    out = dir.resolve("out");
    TrainJob.run(spark, SparkTestSupport.smallJob(out, "previous", 3_000).with(Keys.ROUNDS_PER_EPOCH, 1));
    previousManifest = Files.readString(out.resolve("previous/manifest.json"));
  }

  static String parquet(String name, StructType schema, List<Row> rows) {
    String path = dir.resolve(name).toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);
    return path;
  }

  static List<Row> goodRows() {
    return List.of(RowFactory.create(1, "a", 7L), RowFactory.create(0, "b", 8L), RowFactory.create(0, "a", 9L));
  }

  static AmtlConfig job(String... paths) {
    return SparkTestSupport.smallJob(out, "today", 3_000).with(Keys.INPUT_PATHS, List.of(paths));
  }

  /**
   * Runs the job, expects a clear error with every part, then checks that nothing was written under
   * {@code outputRoot} (the output path the case configures) and that the previous run is intact.
   */
  static void assertRejected(Path outputRoot, Executable run, String... parts) throws Exception {
    List<String> before = tree(outputRoot);
    assertMessage(run, parts);
    assertEquals(before, tree(outputRoot), "nothing is written under " + outputRoot);
    assertEquals(previousManifest, Files.readString(out.resolve("previous/manifest.json")));
    assertEquals(List.of(), Manifest.verify(new org.apache.hadoop.fs.Path(out.resolve("previous").toUri()),
        new Configuration()), "the previous run is intact");
  }

  /** As {@link #assertRejected(Path, Executable, String...)} for a case whose output path is {@link #out}. */
  static void assertRejected(Executable run, String... parts) throws Exception {
    assertRejected(out, run, parts);
  }

  /** Expects an IllegalArgumentException whose message has every part. */
  static void assertMessage(Executable run, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }
  }

  /** Every file and folder under {@code root} (hidden ones too), relative and sorted; empty when it is absent. */
  static List<String> tree(Path root) throws java.io.IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (java.util.stream.Stream<Path> s = Files.walk(root)) {
      return s.map(f -> root.relativize(f).toString()).sorted().toList();
    }
  }

  @Test
  void missingLabelColumn() throws Exception {
    String p = parquet("nolabel", new StructType().add("clicked", DataTypes.IntegerType)
        .add("item", DataTypes.StringType), List.of(RowFactory.create(1, "a")));
    assertRejected(() -> TrainJob.run(spark, job(p)), "no column 'label'", "input.label");
  }

  @Test
  void missingFeatureColumn() throws Exception {
    String p = parquet("nofeature", LOG, goodRows());
    assertRejected(() -> TrainJob.run(spark, job(p).with(Keys.INPUT_FEATURES, List.of("item", "price"))),
        "no column 'price'", "input.features");
  }

  @Test
  void wrongColumnTypes() throws Exception {
    String labels = parquet("stringlabel", new StructType().add("label", DataTypes.StringType)
        .add("item", DataTypes.StringType), List.of(RowFactory.create("yes", "a")));
    assertRejected(() -> TrainJob.run(spark, job(labels)), "label column 'label' has value yes", ".parquet");
    String dates = parquet("datelabel", new StructType().add("label", DataTypes.DateType)
        .add("item", DataTypes.StringType), List.of(RowFactory.create(java.sql.Date.valueOf("2026-12-01"), "a")));
    assertRejected(() -> TrainJob.run(spark, job(dates)), "label column 'label' has type date");
    String features = parquet("doublefeature", new StructType().add("label", DataTypes.IntegerType)
        .add("price", DataTypes.DoubleType), List.of(RowFactory.create(1, 2.5)));
    assertRejected(() -> TrainJob.run(spark, job(features)), "feature column 'price' has type double");
  }

  @Test
  void nullNanAndNonBinaryLabels() throws Exception {
    StructType doubles = new StructType().add("label", DataTypes.DoubleType).add("item", DataTypes.StringType);
    String nulls = parquet("nulllabel", doubles, List.of(RowFactory.create(1.0, "a"), RowFactory.create(null, "b")));
    assertRejected(() -> TrainJob.run(spark, job(nulls)), "value null", "'label'", ".parquet");
    String nan = parquet("nanlabel", doubles, List.of(RowFactory.create(Double.NaN, "a")));
    assertRejected(() -> TrainJob.run(spark, job(nan)), "value NaN", "'label'", ".parquet");
    String two = parquet("twolabel", LOG, List.of(RowFactory.create(2, "a", 1L)));
    assertRejected(() -> TrainJob.run(spark, job(two)), "value 2", "expected 0 or 1");
  }

  /** A folder of one text file with the given lines. */
  static String textFile(String name, String suffix, String... lines) throws java.io.IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    Files.write(folder.resolve("part-0." + suffix), List.of(lines));
    return folder.toString();
  }

  @Test
  void malformedCsvRowsHeadersWithoutAColumnAndNonBinaryCsvLabels() throws Exception {
    String extraField = textFile("csv-extra", "csv", "label,item,user", "1,a,7", "0,b,8,oops", "0,a,9");
    assertRejected(() -> TrainJob.run(spark, job(extraField).with(Keys.INPUT_FORMAT, Keys.InputFormat.CSV)),
        "part-0.csv", "malformed CSV row '0,b,8,oops'", "expected 3 comma-separated fields");
    String noUser = textFile("csv-nouser", "csv", "label,item", "1,a", "0,b");
    assertRejected(() -> TrainJob.run(spark, job(noUser).with(Keys.INPUT_FORMAT, Keys.InputFormat.CSV)
        .with(Keys.INPUT_FEATURES, List.of("item", "user"))), "no column 'user'", "input.features", "[label, item]");
    String clicked = textFile("csv-label", "csv", "label,item,user", "1,a,7", "yes,b,8");
    assertRejected(() -> TrainJob.run(spark, job(clicked).with(Keys.INPUT_FORMAT, Keys.InputFormat.CSV)),
        "part-0.csv", "label column 'label' has value yes (expected 0 or 1)");
    String two = textFile("csv-two", "csv", "label,item,user", "1,a,7", "2,b,8");
    assertRejected(() -> TrainJob.run(spark, job(two).with(Keys.INPUT_FORMAT, Keys.InputFormat.CSV)),
        "label column 'label' has value 2 ");
  }

  @Test
  void malformedJsonLines() throws Exception {
    String p = textFile("json-bad", "json", "{\"label\": 1, \"item\": \"a\"}", "{\"label\": 0, \"item\": ",
        "{\"label\": 0, \"item\": \"b\"}");
    assertRejected(() -> TrainJob.run(spark, job(p).with(Keys.INPUT_FORMAT, Keys.InputFormat.JSON)), "part-0.json",
        "malformed JSON line '{\"label\": 0, \"item\":'");
  }

  @Test
  void emptyInput() throws Exception {
    String p = parquet("empty", LOG, List.of());
    assertRejected(() -> TrainJob.run(spark, job(p)), "0 train and 0 test rows");
  }

  @Test
  void missingInputPath() throws Exception {
    assertRejected(() -> TrainJob.run(spark, job(dir.resolve("never-written").toString())),
        "never-written", "does not exist", "input.paths");
  }

  @Test
  void corruptAndZeroByteFiles() throws Exception {
    String corrupt = parquet("corrupt", LOG, goodRows());
    Path bad = Path.of(corrupt, "part-99999-broken.parquet");
    Files.write(bad, "PAR1 this is not parquet at all".getBytes());
    assertRejected(() -> TrainJob.run(spark, job(corrupt)), "part-99999-broken.parquet", "not a readable Parquet");
    Files.delete(bad);
    Path empty = Path.of(corrupt, "part-99998-empty.parquet");
    Files.write(empty, new byte[0]);
    assertRejected(() -> TrainJob.run(spark, job(corrupt)), "part-99998-empty.parquet", "empty (0 bytes");
  }

  @Test
  void schemasThatDifferBetweenFiles() throws Exception {
    String a = parquet("day1", LOG, goodRows());
    String b = parquet("day2", new StructType().add("label", DataTypes.IntegerType).add("item", DataTypes.LongType)
        .add("user", DataTypes.LongType), List.of(RowFactory.create(1, 5L, 7L)));
    assertRejected(() -> TrainJob.run(spark, job(a, b)), "input column 'item'", "day2", "day1");
    String c = parquet("day3", new StructType().add("label", DataTypes.IntegerType)
        .add("item", DataTypes.StringType), List.of(RowFactory.create(1, "a")));
    assertRejected(() -> TrainJob.run(spark, job(a, c)), "no column 'user'", "day3");
  }

  @Test
  void configurationErrors() {
    assertMessage(() -> JobMain.parseArgs(new String[] {"--conf", "model.dimension=8"}),
        "unknown config key 'model.dimension'");
    assertMessage(() -> JobMain.parseArgs(new String[] {"--conf", "model.dim=eight"}), "model.dim", "'eight'");
    assertMessage(() -> JobMain.parseArgs(new String[] {"--conf", "optim.dense.learningRate=0"}),
        "optim.dense.learningRate", "out of range");
    assertMessage(() -> JobMain.parseArgs(new String[] {"--conf", "optim.embedding.learningRate=-1"}),
        "optim.embedding.learningRate");
    assertMessage(() -> JobMain.parseArgs(new String[] {"--conf", "model.dim=0"}), "model.dim", "'0'");
    assertMessage(() -> JobMain.parseArgs(new String[] {"--conf", "amtl.temperature=0"}), "amtl.temperature");
    assertMessage(() -> JobMain.parseArgs(new String[] {"--conf", "split.mode=time"}), "split.timeColumn");
  }

  /** A run id names one folder right under output.path: never '.', '..', a path or a hidden name. */
  @Test
  void runIdsThatLeaveTheOutputFolderAreRefused() {
    for (String id : List.of(".", "..", "../x", "a/b", "/abs", ".hidden", "a b", "a\\b")) {
      assertMessage(() -> JobMain.parseArgs(new String[] {"--conf", "output.runId=" + id}), "output.runId",
          "'" + id + "'");
    }
    assertEquals("2026-12-01_v1.b", assertDoesNotThrow(() -> JobMain.parseArgs(
        new String[] {"--conf", "output.runId=2026-12-01_v1.b"})).get(Keys.OUTPUT_RUN_ID));
  }

  @Test
  void outputInsideOrEqualToAnInput() throws Exception {
    String p = parquet("logs", LOG, goodRows());
    assertRejected(Path.of(p), () -> TrainJob.run(spark, job(p).with(Keys.OUTPUT_PATH, p)), "output.path",
        "inside input");
    assertRejected(dir.resolve("logs"), () -> TrainJob.run(spark, job(dir.resolve("*").toString())
        .with(Keys.OUTPUT_PATH, dir.resolve("logs/models").toString())), "inside input");
  }

  /**
   * A folder under the run id that this job did not publish (no manifest) is never moved or deleted, with or
   * without output.overwrite: the job stops before reading input and names it.
   */
  @Test
  void aFolderTheJobDidNotWriteIsNeverReplaced() throws Exception {
    Path mine = Files.createDirectories(out.resolve("mydata"));
    Files.writeString(mine.resolve("important.txt"), "keep me");
    try {
      for (boolean overwrite : new boolean[] {false, true}) {
        assertRejected(() -> TrainJob.run(spark, SparkTestSupport.smallJob(out, "mydata", 3_000)
            .with(Keys.OUTPUT_OVERWRITE, overwrite).with(Keys.INPUT_PATHS, List.of(dir.resolve("never").toString()))),
            mine.toString(), "is not a run published by this job");
        assertEquals("keep me", Files.readString(mine.resolve("important.txt")));
      }
    } finally {
      Files.delete(mine.resolve("important.txt"));
      Files.delete(mine);
    }
  }

  @Test
  void existingOutputWithoutOverwrite() throws Exception {
    assertRejected(() -> TrainJob.run(spark, SparkTestSupport.smallJob(out, "previous", 3_000)),
        "already holds a published run 'previous'", "output.overwrite");
  }

  @Test
  void theDriverExitsNonZeroWithOneMessage() throws Exception {
    Path mine = Files.createDirectories(dir.resolve("users/mydata"));
    Files.writeString(mine.resolve("important.txt"), "keep me");
    for (List<String> args : List.of(List.of("--conf", "model.dim=0"),
        List.of("--conf", "input.paths=" + dir.resolve("nowhere"), "--conf", "output.path=" + out),
        List.of("--conf", "output.runId=..", "--conf", "output.path=" + out),
        List.of("--conf", "output.path=" + mine.getParent(), "--conf", "output.runId=mydata", "--conf",
            "output.overwrite=true"))) {
      Process driver = FaultTest.startDriver(args);
      String text = new String(driver.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(driver.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(2, driver.exitValue(), text);
      List<String> errors = text.lines().filter(l -> l.startsWith("error: ")).toList();
      assertEquals(1, errors.size(), text);
      assertTrue(errors.get(0).contains(args.get(args.size() > 4 ? 3 : 1).split("=")[0]), errors.get(0));
    }
    try (java.util.stream.Stream<Path> s = Files.list(out)) {
      assertEquals(List.of("LATEST", "previous"), s.map(f -> f.getFileName().toString()).sorted().toList());
    }
    assertEquals(List.of("", "mydata", "mydata/important.txt"), tree(mine.getParent()), "the user's folder is as it was");
    assertEquals("keep me", Files.readString(mine.resolve("important.txt")));
  }

  @Test
  void tamperedManifestFailsValidation() throws Exception {
    Path copy = dir.resolve("tampered");
    TrainJob.run(spark, SparkTestSupport.smallJob(copy, "t", 3_000).with(Keys.ROUNDS_PER_EPOCH, 1));
    Path manifest = copy.resolve("t/manifest.json");
    String text = Files.readString(manifest);
    Files.writeString(manifest, text.replaceFirst("\"sha256\" : \"[0-9a-f]", "\"sha256\" : \"x"));
    List<String> problems = Manifest.verify(new org.apache.hadoop.fs.Path(copy.resolve("t").toUri()),
        new Configuration());
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("manifest.json: changed") || problems.get(0).contains("SHA-256"),
        problems.toString());
    // without the local filesystem's own checksum files, the manifest's SHA-256 entries catch it
    Files.delete(copy.resolve("t/.manifest.json.crc"));
    problems = Manifest.verify(new org.apache.hadoop.fs.Path(copy.resolve("t").toUri()), new Configuration());
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("SHA-256 differs"), problems.toString());
  }
}

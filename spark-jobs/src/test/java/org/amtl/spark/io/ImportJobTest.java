package org.amtl.spark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.amtl.spark.LocalSparkTest;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The importers on small fixtures (malformed lines included) and on the shared real datasets. */
class ImportJobTest extends LocalSparkTest {
  static final Path SHARED = Path.of("..", "..", "shared", "data").toAbsolutePath().normalize();

  static Path gz(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return p;
  }

  static Path plain(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  static AmtlConfig job(Keys.ImportFormat format, String output, Path... inputs) {
    return AmtlConfig.defaults().with(Keys.IMPORT_FORMAT, format)
        .with(Keys.IMPORT_INPUT, java.util.Arrays.stream(inputs).map(Path::toString).toList())
        .with(Keys.IMPORT_OUTPUT, dir.resolve(output).toString());
  }

  static String criteoLine(String label, String i1, String i2, String c1) {
    StringBuilder sb = new StringBuilder(label).append('\t').append(i1).append('\t').append(i2);
    for (int i = 3; i <= 13; i++) {
      sb.append('\t').append(i);
    }
    sb.append('\t').append(c1);
    for (int i = 2; i <= 26; i++) {
      sb.append('\t').append("c").append(i);
    }
    return sb.append('\n').toString();
  }

  @Test
  void criteoBucketsMissingValuesAndMalformedLines() throws Exception {
    Path good = gz("criteo.txt.gz", criteoLine("1", "0", "-3", "68fd1e64") + criteoLine("0", "", "1000", ""));
    ImportJob.Summary s = ImportJob.run(spark, job(Keys.ImportFormat.CRITEO, "criteo-out", good));
    assertEquals(2, s.rows());
    List<Row> rows = spark.read().parquet(s.output()).orderBy("label").collectAsList();
    Row zero = rows.get(0);
    assertEquals(0, zero.<Integer>getAs("label"));
    assertEquals("missing", zero.getAs("I1"));
    assertEquals("b9", zero.getAs("I2")); // floor(log2(1001)) = 9
    assertNull(zero.getAs("C1"), "an empty categorical is missing");
    Row one = rows.get(1);
    assertEquals("b0", one.getAs("I1"));
    assertEquals("neg", one.getAs("I2"));
    assertEquals("68fd1e64", one.getAs("C1"));
    assertEquals("c26", one.getAs("C26"));

    Path bad = gz("criteo-bad.txt.gz", criteoLine("1", "0", "1", "a") + criteoLine("0", "1", "2", "b")
        + "1\t2\tonly three fields\n" + criteoLine("0", "x", "2", "b"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ImportJob.run(spark, job(Keys.ImportFormat.CRITEO, "criteo-bad-out", bad)));
    assertTrue(e.getMessage().contains("criteo-bad.txt.gz line 3") && e.getMessage().contains("only three fields"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("criteo-bad-out")), "nothing is written");
    ImportJob.Summary skipped = ImportJob.run(spark, job(Keys.ImportFormat.CRITEO, "criteo-skip-out", bad)
        .with(Keys.IMPORT_SKIP_MALFORMED, true));
    assertEquals(2, skipped.rows());
    assertEquals(2, skipped.skipped(), "the short line and the non-integer I1");
  }

  @Test
  void movieLens1mAnd100k() throws Exception {
    Path ratings = plain("ratings.dat", "1::10::5\n1::20::2::978300760\n2::10::4\n");
    Path users = plain("users.dat", "1::F::1::10::48067\n2::M::56::16::70072\n");
    Path movies = plain("movies.dat", "10::Toy Story (1995)::Animation|Children's|Comedy\n20::Heat (1995)::Action\n");
    ImportJob.Summary s = ImportJob.run(spark, job(Keys.ImportFormat.MOVIELENS_1M, "ml1m", ratings, users, movies));
    assertEquals(3, s.rows());
    Row r = spark.read().parquet(s.output()).filter("user_id = '1' and movie_id = '10'").first();
    assertEquals(1, r.<Integer>getAs("label"));
    assertEquals("F", r.getAs("gender"));
    assertEquals("1", r.getAs("age"));
    assertEquals("10", r.getAs("occupation"));
    assertEquals(List.of("Animation", "Children's", "Comedy"), r.getList(r.fieldIndex("genres")));
    Row low = spark.read().parquet(s.output()).filter("movie_id = '20'").first();
    assertEquals(0, low.<Integer>getAs("label"), "rating 2 is not a positive");

    Path badRatings = plain("bad-ratings.dat", "1::10::5\n1::x::3\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImportJob.run(spark,
        job(Keys.ImportFormat.MOVIELENS_1M, "ml1m-bad", badRatings, users, movies)));
    assertTrue(e.getMessage().contains("bad-ratings.dat line 2") && e.getMessage().contains("1::x::3"),
        e.getMessage());

    Path data = gz("u.data.gz", "1\t10\t4\t881250949\n2\t10\t3\t891717742\n");
    Path user = plain("u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n");
    StringBuilder flags = new StringBuilder();
    for (int g = 0; g < 19; g++) {
      flags.append('|').append(g == 1 || g == 5 ? 1 : 0);
    }
    Path item = plain("u.item", "10|Toy Story (1995)|01-Jan-1995||http://x" + flags + "\n");
    ImportJob.Summary h = ImportJob.run(spark, job(Keys.ImportFormat.MOVIELENS_100K, "ml100k", data, user, item));
    assertEquals(2, h.rows());
    Row first = spark.read().parquet(h.output()).filter("user_id = '1'").first();
    assertEquals(List.of("Action", "Comedy"), first.getList(first.fieldIndex("genres")));
    assertEquals("24", first.getAs("age"));
    assertEquals("M", first.getAs("gender"));
    assertEquals(881250949L, first.<Long>getAs("timestamp"));
  }

  /**
   * The real datasets beside the repository (CI and developers have them; a user's clone does not, and the test
   * is then skipped with the reason).
   */
  @Test
  void sharedRealDatasets() {
    String absent = "ImportJobTest.sharedRealDatasets skipped: no real datasets at " + SHARED
        + " (they sit beside the repository in CI only)";
    if (!Files.isDirectory(SHARED)) {
      System.err.println(absent); // surefire's console names skipped tests but not why
    }
    assumeTrue(Files.isDirectory(SHARED), absent);
    ImportJob.Summary criteo = ImportJob.run(spark, job(Keys.ImportFormat.CRITEO, "real-criteo",
        SHARED.resolve("criteo-kaggle-10k/train_head8000.txt.gz"), SHARED.resolve("criteo-kaggle-10k/extra2000.txt.gz")));
    assertEquals(10_000, criteo.rows());
    assertEquals(2_182, spark.read().parquet(criteo.output()).filter("label = 1").count());
    ImportJob.Summary ml = ImportJob.run(spark, job(Keys.ImportFormat.MOVIELENS_100K, "real-ml100k",
        SHARED.resolve("movielens-100k/u.data.gz"), SHARED.resolve("movielens-100k/u.user"),
        SHARED.resolve("movielens-100k/u.item")));
    assertEquals(100_000, ml.rows());
    assertEquals(0, spark.read().parquet(ml.output()).filter("gender is null or genres is null").count());
  }
}

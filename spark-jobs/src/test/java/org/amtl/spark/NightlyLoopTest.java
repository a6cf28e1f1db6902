package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amtl.core.table.Manifest;
import org.amtl.spark.cli.JobMain;
import org.amtl.spark.cli.TableCli;
import org.amtl.spark.job.FaultPoint;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The nightly loop: each run points {@code <output.path>/LATEST} at itself once published, and
 * {@code hotStart.path=latest} starts from the run it names. The first night starts from scratch; a driver killed
 * after publishing and before moving the pointer leaves it on the night before; reruns of a night start from what
 * its first attempt started from and publish the same tables; a backfill with {@code output.latest=false} leaves the
 * pointer alone; a pointer that is not a run id, or names no published run, stops the job with the file named. What
 * changed from one night to the next ({@code amtl-table diff}) agrees with the two vocabularies.
 */
class NightlyLoopTest extends LocalSparkTest {
  /** A night's job: 6,000 rows of generated day {@code day}, started from the latest run. */
  static List<String> night(Path out, String runId, int day, String... more) {
    List<String> args = new ArrayList<>(FaultTest.shortJobArgs(out, runId));
    args.addAll(List.of("--conf", "synthetic.day=" + day, "--conf", "hotStart.path=latest"));
    args.addAll(List.of(more));
    return args;
  }

  static TrainJob.Summary run(List<String> args) throws Exception {
    return TrainJob.run(spark, JobMain.parseArgs(args.toArray(new String[0])));
  }

  static String latest(Path out) throws Exception {
    return Files.readString(out.resolve("LATEST")).trim();
  }

  @Test
  void eachNightStartsFromTheLastPublishedRunAndReRunsPublishTheSameTables() throws Exception {
    Path out = dir.resolve("nightly");
    run(night(out, "day1", 0));
    JsonNode first = SparkTestSupport.manifest(out.resolve("day1")).path("hotStart");
    assertTrue(first.path("path").isNull() && first.path("latest").isNull(), "the first night starts cold: " + first);
    assertEquals("day1", latest(out));

    FaultTest.halted(FaultTest.startDriver(List.of(FaultTest.haltAt(FaultPoint.BEFORE_LATEST)),
        night(out, "day2", 1)));
    assertTrue(Files.exists(out.resolve("day2/manifest.json")), "day 2 was published before the driver stopped");
    assertEquals("day1", latest(out), "a driver killed before moving the pointer leaves it on day 1");
    JsonNode killed = SparkTestSupport.manifest(out.resolve("day2")).path("hotStart");
    assertEquals("day1", killed.path("latest").asText());
    assertTrue(killed.path("path").asText().endsWith("/day1"), killed.toString());
    List<JsonNode> tables = SparkTestSupport.dataFiles(out.resolve("day2"));

    run(night(out, "day2", 1, "--conf", "output.overwrite=true"));
    assertEquals("day2", latest(out));
    assertEquals(killed, SparkTestSupport.manifest(out.resolve("day2")).path("hotStart"));
    assertEquals(tables, SparkTestSupport.dataFiles(out.resolve("day2")), "the rerun started from day 1 as well");

    // LATEST names day 2 itself now: a second rerun starts from day 1 again, as the first attempt did
    run(night(out, "day2", 1, "--conf", "output.overwrite=true"));
    assertEquals(killed, SparkTestSupport.manifest(out.resolve("day2")).path("hotStart"));
    assertEquals(tables, SparkTestSupport.dataFiles(out.resolve("day2")));
    assertEquals("day2", latest(out));

    whatChangedMatchesTheTwoVocabularies(out);

    run(night(out, "day0", 0, "--conf", "output.latest=false", "--conf", "hotStart.path="));
    assertEquals("day2", latest(out), "a backfill does not move the pointer");
    assertTrue(SparkTestSupport.manifest(out.resolve("day0")).path("hotStart").isNull());
  }

  /**
   * {@code amtl-table diff day1 LATEST}: per field, the values added, removed and kept equal the set differences of
   * the two runs' frequency files (read here by Spark's Parquet reader); every kept row has a dim change; a
   * lookup through LATEST finds day 2's row; day 2's report links day 1's and shows the same counts.
   */
  static void whatChangedMatchesTheTwoVocabularies(Path out) throws Exception {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    assertEquals(0, TableCli.run(new String[] {"diff", out.resolve("day1").toString(),
        out.resolve("LATEST").toString(), "--json"}, new PrintStream(printed), System.err, conf));
    JsonNode diff = Manifest.JSON.readTree(printed.toByteArray());
    assertEquals("day2", diff.path("newer").path("runId").asText());
    Dataset<Row> day1 = spark.read().parquet(out.resolve("day1/frequencies").toString()).where("value is not null");
    Dataset<Row> day2 = spark.read().parquet(out.resolve("day2/frequencies").toString()).where("value is not null");
    long changedFields = 0;
    for (java.util.Iterator<Map.Entry<String, JsonNode>> it = diff.path("fields").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      Dataset<Row> a = day1.where(col("field").equalTo(field.getKey())).select("value");
      Dataset<Row> b = day2.where(col("field").equalTo(field.getKey())).select("value");
      JsonNode f = field.getValue();
      assertEquals(a.intersect(b).count(), f.path("kept").asLong(), field.getKey());
      assertEquals(a.except(b).count(), f.path("removed").asLong(), field.getKey());
      assertEquals(b.except(a).count(), f.path("added").asLong(), field.getKey());
      long withChange = 0;
      for (JsonNode rows : f.path("dimChange")) {
        withChange += rows.asLong();
      }
      assertEquals(f.path("kept").asLong(), withChange, field.getKey());
      changedFields += f.path("added").asLong() > 0 && f.path("removed").asLong() > 0 ? 1 : 0;
    }
    assertEquals(8, diff.path("fields").size());
    assertTrue(changedFields > 0, "two days of the generated log differ in their values: " + diff);

    // day 2's report links day 1's and holds the same comparison, without either table's path
    String report = Files.readString(out.resolve("day2/report/index.html"));
    assertTrue(report.contains("<h2>Since run day1</h2>") && report.contains("href=\"../../day1/report/index.html\""),
        report);
    JsonNode c1 = diff.path("fields").path("C1");
    assertTrue(java.util.regex.Pattern.compile("\\nC1 +" + c1.path("added").asLong() + " +"
        + c1.path("removed").asLong() + " +" + c1.path("kept").asLong() + " ").matcher(report).find(), report);
    assertTrue(!report.contains(out.toString()), "no path of either table: reruns write the same report");

    Row top = day2.where(col("field").equalTo("C1")).orderBy(col("id")).first();
    printed.reset();
    assertEquals(0, TableCli.run(new String[] {"lookup", out.resolve("LATEST").toString(), "C1",
        top.getAs("value")}, new PrintStream(printed), System.err, conf));
    String row = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(row.contains("row id " + top.<Integer>getAs("id")) && row.contains("count " + top.<Long>getAs("count")),
        row);
  }

  @Test
  void aPointerThatIsNotARunIdOrNamesNoPublishedRunStopsTheJob() throws Exception {
    Path out = Files.createDirectories(dir.resolve("broken"));
    Files.writeString(out.resolve("LATEST"), "../elsewhere\n");
    IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
        () -> run(night(out, "day3", 0)));
    assertTrue(garbage.getMessage().contains("LATEST") && garbage.getMessage().contains("../elsewhere"),
        garbage.getMessage());
    Files.writeString(out.resolve("LATEST"), "day2\n");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> run(night(out, "day3", 0)));
    assertTrue(missing.getMessage().contains("names run 'day2'") && missing.getMessage().contains("no manifest.json"),
        missing.getMessage());
    try (java.util.stream.Stream<Path> s = Files.list(out)) {
      assertEquals(List.of("LATEST"), s.map(p -> p.getFileName().toString()).toList(), "nothing was written");
    }
  }
}

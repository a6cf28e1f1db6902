package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.table.Manifest;
import org.amtl.core.table.TableReader;
import org.amtl.spark.cli.TableCli;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The whole job in local mode on generated logs. */
class TrainJobLocalTest extends LocalSparkTest {
  static org.apache.hadoop.fs.Path hadoopPath(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }

  @Test
  void publishesAValidTableAndIsDeterministic() throws Exception {
    Path out = dir.resolve("det");
    TrainJob.Summary a = TrainJob.run(spark, SparkTestSupport.smallJob(out, "a", 20_000));
    TrainJob.Summary b = TrainJob.run(spark, SparkTestSupport.smallJob(out, "b", 20_000));
    Configuration conf = new Configuration();
    for (String run : List.of("a", "b")) {
      assertEquals(List.of(), Manifest.verify(hadoopPath(out.resolve(run)), conf));
      assertTrue(Files.exists(out.resolve(run).resolve("_SUCCESS")));
      assertTrue(Files.exists(out.resolve(run).resolve("report/dims-vs-frequency.png")));
    }
    // same seed and input: identical files and manifest, apart from the run section
    assertEquals(SparkTestSupport.withoutRun(out.resolve("a")), SparkTestSupport.withoutRun(out.resolve("b")));
    assertEquals(a.auc(), b.auc(), 0);
    try (java.util.stream.Stream<Path> s = Files.list(out)) {
      assertEquals(List.of("LATEST", "a", "b"), s.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary folder is left behind");
    }

    try (TableReader reader = TableReader.open(hadoopPath(out.resolve("a")), conf)) {
      assertEquals(8, reader.maxDim());
      TableReader.FieldRows c1 = reader.field("C1");
      String top = c1.value(1);
      float[] v = reader.lookup("C1", top);
      assertEquals(c1.dim(1), v.length);
      float[] padded = reader.lookupPadded("C1", top);
      assertEquals(8, padded.length);
      assertArrayEquals(v, java.util.Arrays.copyOf(padded, v.length));
      assertArrayEquals(c1.vector(0), reader.lookup("C1", "never-seen"), "unseen values read the OOV row");
      assertArrayEquals(c1.vector(0), reader.lookup("C1", null));
    }

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    int code = TableCli.run(new String[] {"inspect", out.resolve("a").toString()}, new PrintStream(text), System.err,
        conf);
    assertEquals(0, code);
    assertTrue(text.toString().contains("C8"), text.toString());
    assertEquals(0, TableCli.run(new String[] {"validate", out.resolve("a").toString()}, System.out, System.err,
        conf));
    Files.write(out.resolve("b").resolve("embeddings/field=C3/part-00000.parquet"), new byte[] {1, 2, 3});
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    assertEquals(1, TableCli.run(new String[] {"validate", out.resolve("b").toString()}, System.out,
        new PrintStream(errors), conf));
    assertTrue(errors.toString().contains("embeddings/field=C3/part-00000.parquet"), errors.toString());
  }

  @Test
  void aPublishedRunIsKeptUnlessOverwriteIsOn() throws Exception {
    Path out = dir.resolve("keep");
    AmtlConfig job = SparkTestSupport.smallJob(out, "nightly", 5_000).with(Keys.ROUNDS_PER_EPOCH, 1);
    TrainJob.run(spark, job);
    String before = Manifest.sha256(org.apache.hadoop.fs.FileSystem.getLocal(new Configuration()),
        hadoopPath(out.resolve("nightly/manifest.json")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainJob.run(spark, job.with(Keys.SEED, 99L)));
    assertTrue(e.getMessage().contains("output.overwrite"), e.getMessage());
    assertEquals(before, Manifest.sha256(org.apache.hadoop.fs.FileSystem.getLocal(new Configuration()),
        hadoopPath(out.resolve("nightly/manifest.json"))));
    TrainJob.run(spark, job.with(Keys.SEED, 99L).with(Keys.OUTPUT_OVERWRITE, true));
    assertFalse(before.equals(Manifest.sha256(org.apache.hadoop.fs.FileSystem.getLocal(new Configuration()),
        hadoopPath(out.resolve("nightly/manifest.json")))));
    assertEquals(List.of(), Manifest.verify(hadoopPath(out.resolve("nightly")), new Configuration()));
  }

  @Test
  void aFailedRunPublishesNothingAndKeepsThePreviousOutput() throws Exception {
    Path out = dir.resolve("failed");
    TrainJob.run(spark, SparkTestSupport.smallJob(out, "yesterday", 5_000).with(Keys.ROUNDS_PER_EPOCH, 1));
    // an input whose second file has a label of 2: the job stops with the file and value, writing nothing
    Path input = dir.resolve("bad-input");
    spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(1, "a"),
            org.apache.spark.sql.RowFactory.create(2, "b")),
        new org.apache.spark.sql.types.StructType().add("label", "int").add("item", "string"))
        .repartition(2).write().parquet(input.toString());
    AmtlConfig bad = SparkTestSupport.smallJob(out, "today", 5_000)
        .with(Keys.INPUT_PATHS, List.of(input.toString()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainJob.run(spark, bad));
    assertTrue(e.getMessage().contains("value 2") && e.getMessage().contains(".parquet"), e.getMessage());
    try (java.util.stream.Stream<Path> s = Files.list(out)) {
      assertEquals(List.of("LATEST", "yesterday"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals("yesterday\n", Files.readString(out.resolve("LATEST")), "LATEST stays on the last published run");
    assertEquals(List.of(), Manifest.verify(hadoopPath(out.resolve("yesterday")), new Configuration()));
  }

  /** train.kernels=blas: the executors' products run through netlib, the figures stay, the manifest says so. */
  @Test
  void trainsThroughNetlibWhenAsked() throws Exception {
    Path out = dir.resolve("kernels");
    TrainJob.Summary ours = TrainJob.run(spark, SparkTestSupport.smallJob(out, "ours", 5_000));
    TrainJob.Summary blas = TrainJob.run(spark, SparkTestSupport.smallJob(out, "blas", 5_000)
        .with(Keys.KERNELS, org.amtl.core.kernels.ProductRoute.BLAS));
    String kernels = SparkTestSupport.manifest(out.resolve("blas")).path("run").path("kernels").asText();
    System.out.printf(Locale.ROOT, "job with train.kernels=blas (%s): AUC %.6f, ours %.6f%n", kernels, blas.auc(),
        ours.auc());
    assertTrue(kernels.startsWith("netlib "), kernels);
    assertTrue(SparkTestSupport.manifest(out.resolve("ours")).path("run").path("kernels").asText().startsWith("ours"));
    assertEquals(ours.auc(), blas.auc(), 1e-3, "test AUC through netlib");
  }

  @Test
  void amtlMatchesFbeAtLessStorageOnTheGeneratedLog() throws Exception {
    Path out = dir.resolve("compare");
    // the shipped demo configuration: the default generated log (26 fields, 200,000 rows), d = 32
    AmtlConfig base = AmtlConfig.defaults().with(Keys.OUTPUT_PATH, out.toAbsolutePath().toString())
        .with(Keys.EVAL_PER_ROUND, false);
    TrainJob.Summary fbe = TrainJob.run(spark, base.with(Keys.EMBEDDING, EmbeddingVariant.FBE)
        .with(Keys.OUTPUT_RUN_ID, "fbe"));
    TrainJob.Summary amtl = TrainJob.run(spark, base.with(Keys.OUTPUT_RUN_ID, "amtl"));
    System.out.printf(Locale.ROOT, "job on the generated log: FBE AUC %.5f storage %.3f; AMTL AUC %.5f storage %.3f%n",
        fbe.auc(), fbe.storageRatio(), amtl.auc(), amtl.storageRatio());
    assertTrue(amtl.auc() >= fbe.auc(), "AMTL AUC " + amtl.auc() + " < FBE " + fbe.auc());
    assertEquals(1.0, fbe.storageRatio(), 0);
    // an untrained mask already keeps less than the whole table: training must shrink it further
    double untrained = untrainedStorage(base, out.resolve("amtl"));
    System.out.printf(Locale.ROOT, "job on the generated log: AMTL storage untrained %.3f, trained %.3f%n", untrained,
        amtl.storageRatio());
    assertTrue(amtl.storageRatio() <= untrained - 0.10, "training should shrink the table by 0.10 of FBE's "
        + "storage: untrained " + untrained + ", trained " + amtl.storageRatio());
  }

  /** The storage ratio of {@code config}'s model before its first step, over the published table's vocabulary. */
  static double untrainedStorage(AmtlConfig config, Path table) throws Exception {
    List<org.amtl.core.data.FieldVocabulary> fields = new java.util.ArrayList<>();
    try (TableReader reader = TableReader.open(hadoopPath(table), new Configuration())) {
      for (String name : reader.fields()) {
        TableReader.FieldRows rows = reader.field(name);
        String[] values = new String[rows.size() - 1];
        long[] counts = new long[rows.size()];
        counts[0] = rows.count(0);
        for (int id = 1; id < rows.size(); id++) {
          values[id - 1] = rows.value(id);
          counts[id] = rows.count(id);
        }
        fields.add(org.amtl.core.data.FieldVocabulary.ofRows(name, values, counts));
      }
    }
    return new org.amtl.core.model.CtrModel(config, new org.amtl.core.data.Vocabulary(fields)).storage().ratio();
  }
}

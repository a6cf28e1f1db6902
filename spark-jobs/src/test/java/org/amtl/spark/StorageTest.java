package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.amtl.core.config.Keys;
import org.amtl.core.table.LatestRun;
import org.amtl.core.table.TableReader;
import org.amtl.spark.cli.TableCli;
import org.amtl.spark.job.FaultPoint;
import org.amtl.spark.job.RunFolders;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Publishing to real storage servers started by the test on 127.0.0.1: HDFS (MiniDFSCluster) and an S3 API
 * server (s3proxy on a local folder). Each table is read back and checked with the CLI's validate.
 */
@Tag("storage")
class StorageTest extends LocalSparkTest {
  /** Publishes a small run under {@code root} and validates it with the CLI. */
  static void publishAndValidate(String root, Configuration conf) throws Exception {
    publishAndValidate(root, conf, "remote");
  }

  /** As {@link #publishAndValidate(String, Configuration)}, under a given run id. */
  static void publishAndValidate(String root, Configuration conf, String runId) throws Exception {
    TrainJob.Summary s = TrainJob.run(spark, SparkTestSupport.smallJob(dir, runId, 5_000)
        .with(Keys.OUTPUT_PATH, root).with(Keys.ROUNDS_PER_EPOCH, 2));
    assertTrue(s.output().startsWith(root), s.output());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, TableCli.run(new String[] {"validate", s.output()}, new PrintStream(out), System.err, conf),
        "validate " + s.output());
    try (TableReader r = TableReader.open(new org.apache.hadoop.fs.Path(s.output()), conf)) {
      assertEquals(8, r.lookupPadded("C1", r.field("C1").value(1)).length);
    }
    org.apache.hadoop.fs.Path published = new org.apache.hadoop.fs.Path(s.output());
    org.apache.hadoop.fs.FileSystem fs = published.getFileSystem(conf);
    for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(published.getParent())) {
      assertFalse(st.getPath().getName().startsWith("."), "temporary folder left: " + st.getPath());
    }
    // the pointer names the run, and is replaced in place on this filesystem (a rename over it, or one object)
    assertEquals(java.util.Optional.of(runId), LatestRun.read(published.getParent(), conf));
    LatestRun.write(published.getParent(), runId, conf);
    assertEquals(java.util.Optional.of(runId), LatestRun.read(published.getParent(), conf));
    out.reset();
    assertEquals(0, TableCli.run(new String[] {"inspect", root + "/LATEST"}, new PrintStream(out), System.err, conf));
    assertTrue(out.toString().contains("run " + runId), out.toString());
  }

  @Test
  void publishesToHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    try {
      hdfs.waitActive();
      String root = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/tables";
      publishAndValidate(root, hdfs.getConfiguration(0));
    } finally {
      hdfs.shutdown();
    }
  }

  /** An S3 API server (s3proxy on a local folder) on 127.0.0.1 with the bucket "nightly", and the s3a settings. */
  record S3Server(S3Proxy proxy, BlobStoreContext blobs, Map<String, String> settings) implements AutoCloseable {
    static S3Server start(Path folder) throws Exception {
      Properties props = new Properties();
      props.setProperty("jclouds.filesystem.basedir", folder.toString());
      BlobStoreContext blobs = ContextBuilder.newBuilder("filesystem").overrides(props)
          .build(BlobStoreContext.class);
      blobs.getBlobStore().createContainerInLocation(null, "nightly");
      S3Proxy proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret").build();
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!proxy.getState().equals("STARTED") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("fs.s3a.endpoint", "http://127.0.0.1:" + proxy.getPort());
      settings.put("fs.s3a.endpoint.region", "us-east-1");
      settings.put("fs.s3a.path.style.access", "true");
      settings.put("fs.s3a.connection.ssl.enabled", "false");
      settings.put("fs.s3a.access.key", "test-access");
      settings.put("fs.s3a.secret.key", "test-secret");
      settings.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      settings.put("fs.s3a.multiobjectdelete.enable", "false"); // s3proxy answers bulk delete with 501
      settings.put("fs.s3a.impl.disable.cache", "true"); // each test's server has its own port
      return new S3Server(proxy, blobs, settings);
    }

    /** Sets this server's settings on {@code conf} (the session's); returns a copy of it. */
    Configuration configure(Configuration conf) {
      settings.forEach(conf::set);
      return new Configuration(conf);
    }

    @Override
    public void close() throws Exception {
      proxy.stop();
      blobs.close();
    }
  }

  @Test
  void publishesToS3() throws Exception {
    try (S3Server s3 = S3Server.start(dir.resolve("s3"))) {
      publishAndValidate("s3a://nightly/tables", s3.configure(spark.sparkContext().hadoopConfiguration()));
    }
  }

  /**
   * A driver halted (as a kill would) while publishing to S3, after the data reached the published folder and
   * before its manifest: readers find no manifest (the folder is not a table), and the next run of the same id
   * replaces the unfinished folder, which the job's marker names as its own, and publishes a valid table.
   */
  @Test
  void aDriverKilledWhilePublishingToS3LeavesNoManifestAndTheNextRunPublishes() throws Exception {
    try (S3Server s3 = S3Server.start(dir.resolve("s3-kill"))) {
      String root = "s3a://nightly/killed";
      List<String> jvm = new ArrayList<>();
      s3.settings().forEach((k, v) -> jvm.add("-Dspark.hadoop." + k + "=" + v));
      jvm.add(FaultTest.haltAt(FaultPoint.BEFORE_MANIFEST));
      List<String> args = new ArrayList<>(FaultTest.shortJobArgs(dir.resolve("unused"), "day"));
      args.addAll(List.of("--conf", "output.path=" + root));
      Process driver = FaultTest.startDriver(jvm, args);
      String log = new String(driver.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(driver.waitFor(300, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(FaultPoint.EXIT_CODE, driver.exitValue(), log);

      Configuration conf = s3.configure(spark.sparkContext().hadoopConfiguration());
      org.apache.hadoop.fs.Path day = new org.apache.hadoop.fs.Path(root, "day");
      org.apache.hadoop.fs.FileSystem fs = day.getFileSystem(conf);
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(day, "embeddings")), "the data was in place: " + log);
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(root, RunFolders.publishingMarker("day"))));
      assertFalse(fs.exists(new org.apache.hadoop.fs.Path(day, "manifest.json")), "no manifest: not a table");
      assertThrows(java.io.IOException.class, () -> TableReader.open(day, conf).close());

      publishAndValidate(root, conf, "day");
      assertFalse(fs.exists(new org.apache.hadoop.fs.Path(root, RunFolders.publishingMarker("day"))));
    }
  }
}

package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.amtl.core.config.Keys;
import org.amtl.core.table.TableReader;
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
    TrainJob.Summary s = TrainJob.run(spark, SparkTestSupport.smallJob(dir, "remote", 5_000)
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

  @Test
  void publishesToS3() throws Exception {
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", dir.resolve("s3").toString());
    BlobStoreContext blobs = ContextBuilder.newBuilder("filesystem").overrides(props)
        .build(BlobStoreContext.class);
    blobs.getBlobStore().createContainerInLocation(null, "nightly");
    S3Proxy proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret").build();
    proxy.start();
    try {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!proxy.getState().equals("STARTED") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      conf.set("fs.s3a.endpoint", "http://127.0.0.1:" + proxy.getPort());
      conf.set("fs.s3a.endpoint.region", "us-east-1");
      conf.set("fs.s3a.path.style.access", "true");
      conf.set("fs.s3a.connection.ssl.enabled", "false");
      conf.set("fs.s3a.access.key", "test-access");
      conf.set("fs.s3a.secret.key", "test-secret");
      conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      conf.set("fs.s3a.multiobjectdelete.enable", "false"); // s3proxy answers bulk delete with 501
      publishAndValidate("s3a://nightly/tables", new Configuration(conf));
    } finally {
      proxy.stop();
      blobs.close();
    }
  }
}

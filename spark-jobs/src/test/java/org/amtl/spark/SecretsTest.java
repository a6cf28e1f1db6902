package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets never reach the log, the report or the manifest. */
class SecretsTest {
  @TempDir
  static Path dir;

  @Test
  void secretsAreNotWrittenAnywhere() throws Exception {
    Path out = dir.resolve("out");
    String secret = "S3CRET-VALUE-4242";
    String access = "AKIA-TEST-ACCESS-1717";
    String log = FaultTest.runDriver(List.of(
            "-Dspark.hadoop.fs.s3a.secret.key=" + secret,
            "-Dspark.hadoop.fs.s3a.access.key=" + access,
            "-Dspark.hadoop.fs.s3a.session.token=" + secret,
            "-Dspark.myservice.password=" + secret),
        FaultTest.jobArgs(out, "run"));
    assertTrue(log.contains("published"), log);
    List<Path> files;
    try (java.util.stream.Stream<Path> s = Files.walk(out)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertTrue(files.size() > 10, files.toString());
    for (Path f : files) {
      String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      assertFalse(text.contains(secret) || text.contains(access), "a secret is in " + f);
    }
    assertFalse(log.contains(secret) || log.contains(access), "a secret is in the log");
  }

  /**
   * A path with credentials in it (file, hdfs, s3a; an input and an output) that makes the run fail: the driver
   * prints one error line and its log, and neither holds the password, Hadoop's and Spark's messages included.
   */
  @Test
  void credentialsInAFailingPathNeverReachTheTerminal() throws Exception {
    String password = "TopSecretPw42";
    List<List<String>> cases = List.of(
        List.of("input.paths=file://alice:" + password + "@localhost" + dir.resolve("logs")),
        List.of("input.paths=hdfs://alice:" + password + "@127.0.0.1:1/logs"),
        List.of("input.paths=s3a://AKIAALICE:" + password + "@nightly/logs"),
        List.of("output.path=s3a://AKIAALICE:" + password + "@nightly/tables"));
    for (List<String> settings : cases) {
      List<String> args = new java.util.ArrayList<>(List.of("--conf", "output.path=" + dir.resolve("out-failing")));
      settings.forEach(c -> args.addAll(List.of("--conf", c)));
      Process driver = FaultTest.startDriver(List.of(
          "-Dspark.hadoop.fs.s3a.endpoint=http://127.0.0.1:1", "-Dspark.hadoop.fs.s3a.attempts.maximum=1",
          "-Dspark.hadoop.fs.s3a.retry.limit=0", "-Dspark.hadoop.fs.s3a.connection.establish.timeout=2000",
          "-Dspark.hadoop.ipc.client.connect.max.retries=0"), args);
      String text = new String(driver.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(driver.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
      assertTrue(driver.exitValue() != 0, settings + " failed\n" + text);
      assertEquals(1, text.lines().filter(l -> l.startsWith("error: ")).count(), text);
      assertFalse(text.contains(password), "the password reached the terminal with " + settings + ":\n" + text);
      assertTrue(text.contains("***@"), "the path is shown with its credentials hidden:\n" + text);
    }
  }
}

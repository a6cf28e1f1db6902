package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

  @Test
  void secretLookingKeysAndUriCredentialsAreRedacted() {
    Map<String, String> r = Redaction.redact(Map.of(
        "fs.s3a.secret.key", "x", "db.password", "x", "api.token", "x", "aws.credentials", "x",
        "input.paths", "s3a://AKIA:secret@bucket/logs,hdfs://nn:8020/logs", "model.dim", "32"));
    assertEquals(Redaction.HIDDEN, r.get("fs.s3a.secret.key"));
    assertEquals(Redaction.HIDDEN, r.get("db.password"));
    assertEquals(Redaction.HIDDEN, r.get("api.token"));
    assertEquals(Redaction.HIDDEN, r.get("aws.credentials"));
    assertEquals("s3a://***@bucket/logs,hdfs://nn:8020/logs", r.get("input.paths"));
    assertEquals("32", r.get("model.dim"));
  }
}

package org.amtl.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {
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

  @Test
  void credentialsInTextAreHiddenWhereverTheyStand() {
    assertEquals("error: input s3a://***@bucket/logs/day=1 has no column 'x'",
        Redaction.redactUris("error: input s3a://AKIA:secret@bucket/logs/day=1 has no column 'x'"));
    assertEquals("no credentials here: hdfs://nn:8020/logs",
        Redaction.redactUris("no credentials here: hdfs://nn:8020/logs"));
  }
}

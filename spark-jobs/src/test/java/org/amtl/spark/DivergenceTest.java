package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose training diverges (absurd learning rates) is a failure of the run, not bad input: exit code 1, one
 * error line naming the round, the partition and the tensor that went non-finite with a hint, and nothing published
 * (that a failed run leaves earlier runs as they were is FaultTest's).
 */
class DivergenceTest {
  @TempDir
  static Path dir;

  @Test
  void aDivergingRunExitsWithOneLineNamingWhereAndPublishesNothing() throws Exception {
    Path out = dir.resolve("out");
    List<String> args = new ArrayList<>(FaultTest.jobArgs(out, "today"));
    args.addAll(List.of("--conf", "synthetic.rows=6000", "--conf", "train.roundsPerEpoch=2"));
    args.addAll(List.of("--conf", "optim.dense.type=sgd", "--conf", "optim.dense.learningRate=1000", "--conf",
        "optim.embedding.learningRate=1000"));
    Process driver = FaultTest.startDriver(args);
    String text = new String(driver.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(driver.waitFor(300, TimeUnit.SECONDS));
    assertEquals(1, driver.exitValue(), text);
    List<String> errors = text.lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), text);
    String error = errors.get(0);
    assertTrue(error.matches("error: training diverged in round \\d+, partition \\d+: training loss became "
        + "(NaN|-?Infinity) at step \\d+.*"), error);
    assertTrue(error.contains("in dense tensor '") || error.contains("in table '")
        || error.contains("every parameter still finite"), error);
    assertTrue(error.contains("lower optim.dense.learningRate or optim.embedding.learningRate"), error);
    assertTrue(text.lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace for a diverged run:\n" + text);
    try (java.util.stream.Stream<Path> s = Files.exists(out) ? Files.list(out) : java.util.stream.Stream.empty()) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList(),
          "nothing published");
    }
  }
}

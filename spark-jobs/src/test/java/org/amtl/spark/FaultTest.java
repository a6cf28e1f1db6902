package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.amtl.core.table.Manifest;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on a real multi-JVM cluster on 127.0.0.1 (Spark's local-cluster: master and two workers, each executor
 * its own JVM): an executor JVM killed mid-training, the driver JVM killed mid-training and rerun (resumes from its
 * checkpoint), the driver JVM killed while publishing. Each ends with the same tables as an uninterrupted run, and
 * nothing partial is ever visible.
 */
@Tag("faults")
class FaultTest {
  @TempDir
  static Path dir;

  static List<String> jobArgs(Path out, String runId) {
    return List.of("--conf", "synthetic.fields=8", "--conf", "synthetic.values=2000", "--conf",
        "synthetic.rows=30000", "--conf", "model.dim=8", "--conf", "model.hidden=32", "--conf",
        "train.roundsPerEpoch=8", "--conf", "output.path=" + out, "--conf", "output.runId=" + runId);
  }

  @Test
  void killingAnExecutorChangesNothing() throws Exception {
    Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
    Path out = dir.resolve("executor");
    SparkSession cluster = SparkTestSupport.builder("local-cluster[2,1,1024]")
        .config("spark.executor.extraClassPath", System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path")))
        .getOrCreate();
    AtomicBoolean killed = new AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger removed = new java.util.concurrent.atomic.AtomicInteger();
    try {
      TrainJob.run(cluster, TrainJob.parseArgs(jobArgs(out, "clean").toArray(new String[0])));
      cluster.sparkContext().addSparkListener(new SparkListener() {
        @Override
        public void onJobStart(SparkListenerJobStart job) {
          String description = job.properties().getProperty("spark.job.description", "");
          if (description.startsWith("AMTL train round 3/") && killed.compareAndSet(false, true)) {
            ProcessHandle executor = ProcessHandle.current().descendants()
                .filter(FaultTest::isExecutor)
                .findFirst().orElseThrow();
            assertTrue(executor.destroyForcibly(), "SIGKILL sent to executor " + executor.pid());
            assertTrue(executor.onExit().orTimeout(30, TimeUnit.SECONDS).join().pid() > 0);
          }
        }

        @Override
        public void onExecutorRemoved(org.apache.spark.scheduler.SparkListenerExecutorRemoved event) {
          removed.incrementAndGet();
        }
      });
      TrainJob.run(cluster, TrainJob.parseArgs(jobArgs(out, "faulty").toArray(new String[0])));
    } finally {
      SparkTestSupport.stop(cluster);
    }
    assertTrue(killed.get(), "an executor was killed during round 3");
    assertTrue(removed.get() >= 1, "Spark saw the executor die");
    assertEquals(SparkTestSupport.withoutRun(out.resolve("clean")), SparkTestSupport.withoutRun(out.resolve("faulty")));
  }

  /** An executor JVM: its full command line (from /proc: ProcessHandle cuts it at 4 KiB) names the backend. */
  static boolean isExecutor(ProcessHandle p) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.ISO_8859_1)
          .contains("CoarseGrainedExecutorBackend");
    } catch (IOException e) {
      return false; // it has already exited
    }
  }

  /** A driver JVM running the job in local[2], with the launcher's flags and logging. */
  static Process startDriver(List<String> args) throws IOException {
    return startDriver(List.of(), args);
  }

  /**
   * A driver JVM on a real multi-JVM cluster: Spark's local-cluster (a master and two workers inside the driver
   * JVM, each executor its own JVM on 127.0.0.1), executors reading the test class path.
   */
  static Process startClusterDriver(List<String> args) throws IOException {
    Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars")); // inherited by the driver
    return startDriver(List.of("-Dspark.master=local-cluster[2,1,1024]", "-Dspark.executor.memory=1g",
        "-Dspark.executor.extraClassPath=" + System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path"))), args);
  }

  /** A driver JVM with extra JVM options (system properties) before the main class. */
  static Process startDriver(List<String> jvmOptions, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String line : Files.readAllLines(Path.of("..", "submit", "java17-flags"))) {
      if (!line.startsWith("#")) {
        cmd.addAll(List.of(line.trim().split("\\s+")));
      }
    }
    boolean master = jvmOptions.stream().anyMatch(o -> o.startsWith("-Dspark.master="));
    cmd.addAll(List.of("-Xmx1g", master ? "-Dspark.app.name=amtl-test-driver" : "-Dspark.master=local[2]",
        "-Dspark.ui.enabled=false",
        "-Dlog4j2.configurationFile=" + Path.of("..", "submit", "log4j2.properties").toAbsolutePath(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))));
    cmd.addAll(jvmOptions);
    cmd.add(TrainJob.class.getName());
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /** Reads the driver's output until a line matches, then kills it with SIGKILL; returns the lines read. */
  static List<String> killWhen(Process driver, Predicate<String> line) throws Exception {
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(driver.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        lines.add(l);
        if (line.test(l)) {
          driver.destroyForcibly();
          break;
        }
      }
    }
    driver.waitFor(60, TimeUnit.SECONDS);
    return lines;
  }

  /** Runs a driver to its end; returns its output, asserting exit code 0. */
  static String runDriver(List<String> args) throws Exception {
    return runDriver(List.of(), args);
  }

  static String runDriver(List<String> jvmOptions, List<String> args) throws Exception {
    return finish(startDriver(jvmOptions, args));
  }

  /** Reads a driver's output to its end, asserting exit code 0. */
  static String finish(Process p) throws Exception {
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), text);
    return text;
  }

  @Test
  void aKilledDriverResumesFromItsCheckpoint() throws Exception {
    Path out = dir.resolve("driver");
    finish(startClusterDriver(jobArgs(out, "uninterrupted")));
    List<String> seen = killWhen(startClusterDriver(jobArgs(out, "resumed")), l -> l.contains("round 3/8"));
    assertTrue(seen.stream().anyMatch(l -> l.contains("round 3/8")), String.join("\n", seen));
    assertFalse(Files.exists(out.resolve("resumed")), "nothing is published by the killed run");
    assertTrue(Files.exists(out.resolve(".resumed.checkpoint/progress.json")));
    String rerun = finish(startClusterDriver(jobArgs(out, "resumed")));
    assertTrue(rerun.contains("resuming run from checkpoint"), rerun);
    assertFalse(rerun.contains("round 1/8"), "rounds before the checkpoint are not trained again");
    assertEquals(SparkTestSupport.withoutRun(out.resolve("uninterrupted")),
        SparkTestSupport.withoutRun(out.resolve("resumed")));
    assertFalse(Files.exists(out.resolve(".resumed.checkpoint")), "checkpoints are removed once published");
  }

  @Test
  void aDriverKilledWhilePublishingLeavesNothingPartial() throws Exception {
    Path out = dir.resolve("export");
    finish(startClusterDriver(jobArgs(out, "yesterday")));
    String yesterday = Files.readString(out.resolve("yesterday/manifest.json"));
    Process driver = startClusterDriver(jobArgs(out, "today"));
    Thread drain = new Thread(() -> {
      try {
        driver.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException ignored) {
        // the process was killed
      }
    });
    drain.start();
    boolean publishing = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (!publishing && driver.isAlive() && System.nanoTime() < deadline) {
      try (java.util.stream.Stream<Path> s = Files.list(out)) {
        publishing = s.anyMatch(p -> p.getFileName().toString().startsWith(".today.tmp-"));
      }
      if (!publishing) {
        Thread.sleep(10);
      }
    }
    driver.destroyForcibly();
    driver.waitFor(60, TimeUnit.SECONDS);
    assertTrue(publishing, "the driver was killed while writing its output");
    assertFalse(Files.exists(out.resolve("today/manifest.json")) && !Files.exists(out.resolve("today/_SUCCESS")),
        "a manifest never appears without the rest");
    assertFalse(Files.exists(out.resolve("today")) && !Files.exists(out.resolve("today/manifest.json")),
        "no partial folder is visible under the run id");
    assertEquals(yesterday, Files.readString(out.resolve("yesterday/manifest.json")));
    finish(startClusterDriver(jobArgs(out, "today")));
    Configuration conf = new Configuration();
    assertEquals(List.of(), Manifest.verify(new org.apache.hadoop.fs.Path(out.resolve("today").toUri()), conf));
    try (java.util.stream.Stream<Path> s = Files.list(out)) {
      assertEquals(List.of("today", "yesterday"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}

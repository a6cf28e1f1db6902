package org.amtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.amtl.spark.cli.JobMain;
import org.amtl.spark.job.FaultPoint;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on a real multi-JVM cluster on 127.0.0.1 (Spark's local-cluster: master and two workers, each executor
 * its own JVM) and in driver JVMs: an executor JVM killed mid-training, task attempts that fail on purpose, the
 * driver JVM killed mid-training and rerun (resumes from its last complete checkpoint), driver JVMs halted while
 * publishing and between the renames of an overwrite. Runs without a fault run in this JVM where the test only needs
 * their tables or their folders. Each test first shows that its fault happened; each ends with
 * the same tables as an uninterrupted run, and nothing partial is ever visible.
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

  /** A shorter job, for the tests whose faults come after training: 6,000 rows, 2 rounds. */
  static List<String> shortJobArgs(Path out, String runId) {
    List<String> args = new ArrayList<>(jobArgs(out, runId));
    args.addAll(List.of("--conf", "synthetic.rows=6000", "--conf", "train.roundsPerEpoch=2"));
    return args;
  }

  /**
   * On one multi-JVM cluster: a clean run; a run in which an executor JVM is killed (kill -9) at the start of round
   * 3; a run in which the first attempt of every training and evaluation task fails after writing its result file.
   * Each fault is shown to have happened (Spark saw the executor die; attempts failed in both stages of every round
   * and their retries succeeded) before the tables are compared with the clean run's.
   */
  @Test
  void killedExecutorsAndFailedTaskAttemptsChangeNothing() throws Exception {
    Path out = dir.resolve("executor");
    SparkSession cluster = cluster();
    ClusterFaults faults = new ClusterFaults();
    try {
      TrainJob.run(cluster, JobMain.parseArgs(jobArgs(out, "clean").toArray(new String[0])));
      cluster.sparkContext().addSparkListener(faults);
      TrainJob.run(cluster, JobMain.parseArgs(jobArgs(out, "faulty").toArray(new String[0])));
      faults.assertExecutorKilled();
      faults.retriedAttempts.set(0);

      cluster.sparkContext().setLocalProperty(FaultPoint.FAIL_FIRST_ATTEMPT,
          FaultPoint.TRAIN_TASK + "," + FaultPoint.EVALUATE_TASK);
      try {
        TrainJob.run(cluster, JobMain.parseArgs(jobArgs(out, "retried").toArray(new String[0])));
      } finally {
        cluster.sparkContext().setLocalProperty(FaultPoint.FAIL_FIRST_ATTEMPT, null);
      }
    } finally {
      SparkTestSupport.stop(cluster);
    }
    assertEquals(List.of(), faults.errors, "assertions inside the listener");
    JsonNode clean = SparkTestSupport.withoutRun(out.resolve("clean"));
    // every round: each of the 2 partitions' training task, then its evaluation task, failed once
    int rounds = clean.path("metrics").path("rounds").size();
    assertTrue(rounds >= 8, clean.toString());
    assertEquals(java.util.Map.of(FaultPoint.TRAIN_TASK, 2 * rounds, FaultPoint.EVALUATE_TASK, 2 * rounds),
        faults.failedOnPurpose);
    assertEquals(4 * rounds, faults.retriedAttempts.get(),
        "each failed attempt was retried and its second one succeeded");
    assertEquals(clean, SparkTestSupport.withoutRun(out.resolve("faulty")));
    assertEquals(clean, SparkTestSupport.withoutRun(out.resolve("retried")));
  }

  /**
   * Rows in shards. On one multi-JVM cluster: a run with the rows in every task; a sharded run in which an executor
   * JVM is killed (kill -9) as round 3 starts pulling its rows; a sharded run in which the first attempt of every
   * task of every sharded stage fails on purpose (the pull's join, training, the shards' averaging, evaluation, the
   * shards' checkpoint files and the table's parts). Then a sharded driver JVM killed after its second checkpoint
   * (each holds one file of rows per shard), and its rerun, which resumes from it and trains only the rounds after.
   * Each fault is shown to have happened, and every run publishes the first run's tables.
   */
  @Test
  void shardedRowsSurviveKilledExecutorsFailedAttemptsAndAKilledDriver() throws Exception {
    Path out = dir.resolve("sharded-executor");
    SparkSession cluster = cluster();
    ClusterFaults faults = new ClusterFaults();
    List<String> places = List.of(FaultPoint.PULL_TASK, FaultPoint.TRAIN_TASK, FaultPoint.COMBINE_TASK,
        FaultPoint.EVALUATE_TASK, FaultPoint.SAVE_TASK, FaultPoint.EXPORT_TASK);
    try {
      TrainJob.run(cluster, JobMain.parseArgs(shardedArgs(out, "broadcast", "broadcast").toArray(new String[0])));
      cluster.sparkContext().addSparkListener(faults);
      TrainJob.run(cluster, JobMain.parseArgs(shardedArgs(out, "killed", "sharded").toArray(new String[0])));
      faults.assertExecutorKilled();

      cluster.sparkContext().setLocalProperty(FaultPoint.FAIL_FIRST_ATTEMPT, String.join(",", places));
      try {
        TrainJob.run(cluster, JobMain.parseArgs(shardedArgs(out, "retried", "sharded").toArray(new String[0])));
      } finally {
        cluster.sparkContext().setLocalProperty(FaultPoint.FAIL_FIRST_ATTEMPT, null);
      }
    } finally {
      SparkTestSupport.stop(cluster);
    }
    assertEquals(List.of(), faults.errors, "assertions inside the listener");
    assertEquals(new java.util.TreeSet<>(places), new java.util.TreeSet<>(faults.failedOnPurpose.keySet()),
        "a first attempt failed in every sharded stage: " + faults.failedOnPurpose);
    JsonNode expected = withoutMode(out.resolve("broadcast"));
    assertEquals(expected, withoutMode(out.resolve("killed")));
    assertEquals(expected, withoutMode(out.resolve("retried")));

    List<String> few = List.of("-Dspark.sql.shuffle.partitions=4"); // as this JVM's sessions: a small job's count
    List<String> seen = killWhen(startDriver(few, shardedArgs(out, "resumed", "sharded")),
        l -> l.contains("round 2/4"));
    assertTrue(seen.stream().anyMatch(l -> l.contains("embedding rows sharded in 3 shards")), String.join("\n", seen));
    assertTrue(seen.stream().anyMatch(l -> l.contains("round 2/4")), String.join("\n", seen));
    assertFalse(Files.exists(out.resolve("resumed")), "nothing is published by the killed run");
    Path checkpoint = out.resolve(".resumed.checkpoint");
    try (java.util.stream.Stream<Path> s = Files.list(checkpoint)) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("rows-")), "the shards' rows were saved");
    }
    String rerun = finish(startDriver(few, shardedArgs(out, "resumed", "sharded")));
    assertTrue(rerun.contains("resuming run from checkpoint"), rerun);
    assertTrue(rerun.contains("after round 2"), rerun);
    assertFalse(rerun.contains("round 2/4"), "rounds before the checkpoint are not trained again");
    assertTrue(rerun.contains("round 3/4") && rerun.contains("round 4/4"), rerun);
    assertEquals(expected, withoutMode(out.resolve("resumed")));
    assertFalse(Files.exists(checkpoint), "checkpoints are removed once published");
  }

  /** The manifest without its run section and the keys that chose where the rows lived. */
  static JsonNode withoutMode(Path table) throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode m =
        (com.fasterxml.jackson.databind.node.ObjectNode) SparkTestSupport.withoutRun(table);
    ((com.fasterxml.jackson.databind.node.ObjectNode) m.path("config")).remove(List.of("train.tables",
        "train.shards"));
    return m;
  }

  /** A multi-JVM cluster on 127.0.0.1: a master and two workers of one core and 1 GB, each executor its own JVM. */
  static SparkSession cluster() throws IOException {
    Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
    return SparkTestSupport.builder("local-cluster[2,1,1024]")
        .config("spark.executor.extraClassPath", System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path")))
        .getOrCreate();
  }

  /**
   * What a cluster run's faults did: kills an executor JVM (kill -9) when the first job of round 3 starts, and
   * counts removed executors, retried attempts that succeeded, and attempts failed on purpose per fault point.
   * The listener bus only logs what a listener throws: errors are kept for the test thread.
   */
  static final class ClusterFaults extends SparkListener {
    final AtomicBoolean killed = new AtomicBoolean();
    final java.util.concurrent.atomic.AtomicInteger removed = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger retriedAttempts = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.Map<String, Integer> failedOnPurpose = new java.util.concurrent.ConcurrentHashMap<>();
    final List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void onJobStart(SparkListenerJobStart job) {
      String description = job.properties().getProperty("spark.job.description", "");
      if (description.startsWith("AMTL train round 3/") && killed.compareAndSet(false, true)) {
        try {
          ProcessHandle executor = ProcessHandle.current().descendants().filter(FaultTest::isExecutor)
              .findFirst().orElseThrow(() -> new AssertionError("no executor JVM to kill"));
          assertTrue(executor.destroyForcibly(), "SIGKILL sent to executor " + executor.pid());
          assertTrue(executor.onExit().orTimeout(30, TimeUnit.SECONDS).join().pid() > 0);
        } catch (Throwable t) {
          errors.add(t);
        }
      }
    }

    @Override
    public void onExecutorRemoved(org.apache.spark.scheduler.SparkListenerExecutorRemoved event) {
      removed.incrementAndGet();
    }

    @Override
    public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
      if (end.taskInfo().attemptNumber() > 0 && end.taskInfo().successful()) {
        retriedAttempts.incrementAndGet();
      }
      if (end.reason() instanceof org.apache.spark.ExceptionFailure failure
          && failure.description().contains("fails on purpose")) {
        failedOnPurpose.merge(failure.description().replaceAll("^fault point (\\w+):.*$", "$1"), 1, Integer::sum);
      }
    }

    /** The run just finished lost an executor in round 3, and no task failed on purpose. */
    void assertExecutorKilled() {
      assertTrue(killed.get(), "an executor was killed as round 3 started");
      assertTrue(removed.get() >= 1, "Spark saw the executor die");
      assertEquals(java.util.Map.of(), failedOnPurpose, "no task failed on purpose before asked to");
    }
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

  /**
   * The driver JVM killed in round 3; then, as if a second run had been killed while writing its next checkpoint, a
   * progress file cut short beside the last complete one. The rerun passes over the cut file, resumes from the
   * complete checkpoint, trains only the rounds after it, and publishes the tables of an uninterrupted run (trained
   * in this JVM: same configuration, same tables).
   */
  @Test
  void aKilledDriverResumesFromItsLastCompleteCheckpoint() throws Exception {
    Path out = dir.resolve("driver");
    runHere(jobArgs(out, "uninterrupted"));
    List<String> seen = killWhen(startDriver(jobArgs(out, "resumed")), l -> l.contains("round 3/8"));
    assertTrue(seen.stream().anyMatch(l -> l.contains("round 3/8")), String.join("\n", seen));
    assertFalse(Files.exists(out.resolve("resumed")), "nothing is published by the killed run");
    Path checkpoint = out.resolve(".resumed.checkpoint");
    List<String> files;
    try (java.util.stream.Stream<Path> s = Files.list(checkpoint)) {
      files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList();
    }
    assertEquals(1, files.size(), files.toString());
    int done = Integer.parseInt(files.get(0).replaceAll("\\D", ""));
    assertTrue(done >= 3 && done < 8, "killed mid-training, after round 3: " + files);
    String complete = Files.readString(checkpoint.resolve(files.get(0)));
    String next = complete.replace("\"roundsDone\" : " + done, "\"roundsDone\" : " + (done + 1))
        .replace("state-" + done + ".bin", "state-" + (done + 1) + ".bin");
    Files.writeString(checkpoint.resolve("progress-" + (done + 1) + ".json"), next.substring(0, next.length() / 2));

    String rerun = finish(startDriver(jobArgs(out, "resumed")));
    assertTrue(rerun.contains("progress-" + (done + 1) + ".json is incomplete"), rerun);
    assertTrue(rerun.contains("resuming run from checkpoint"), rerun);
    assertTrue(rerun.contains("after round " + done), rerun);
    assertFalse(rerun.contains("round " + done + "/8"), "rounds before the checkpoint are not trained again");
    assertTrue(rerun.contains("round " + (done + 1) + "/8"), rerun);
    assertEquals(SparkTestSupport.withoutRun(out.resolve("uninterrupted")),
        SparkTestSupport.withoutRun(out.resolve("resumed")));
    assertFalse(Files.exists(checkpoint), "checkpoints are removed once published");
  }

  /**
   * The job of {@link #jobArgs} on 6,000 rows in 4 rounds, with the rows where {@code tables} says (3 shards when
   * sharded).
   */
  static List<String> shardedArgs(Path out, String runId, String tables) {
    List<String> args = new ArrayList<>(jobArgs(out, runId));
    args.addAll(List.of("--conf", "synthetic.rows=6000", "--conf", "train.roundsPerEpoch=4", "--conf",
        "train.tables=" + tables, "--conf", "train.shards=3"));
    return args;
  }

  /**
   * Drivers halted (as a kill would) while publishing, in one output folder that holds yesterday's run "daily":
   * <ol>
   *   <li>a new run "today", its table complete in the hidden folder, just before the rename that publishes it:
   *       nothing is visible under "today" and "daily" is untouched;</li>
   *   <li>a replacement of "daily" (output.overwrite) between its two renames: the old run was moved aside and the
   *       new one not yet in. The next run with that id moves the old one back before anything else (so, without
   *       overwrite, it refuses to replace it and "daily" is there as it was);</li>
   *   <li>reruns then publish cleanly: "today" as a new run, "daily" replaced; no hidden folder is left.</li>
   * </ol>
   */
  @Test
  void driversKilledWhilePublishingLeaveNothingPartialAndTheOldRunPublished() throws Exception {
    Path out = dir.resolve("publish");
    runHere(shortJobArgs(out, "daily"));
    String before = Files.readString(out.resolve("daily/manifest.json"));

    halted(startDriver(List.of(haltAt(FaultPoint.BETWEEN_PUBLISH_RENAMES)), shortJobArgs(out, "today")));
    List<Path> hidden = hiddenFolders(out, ".today.tmp-");
    assertEquals(1, hidden.size(), "the driver stopped while publishing: " + hidden);
    assertTrue(Files.exists(hidden.get(0).resolve("manifest.json")), "its table was complete in the hidden folder");
    assertFalse(Files.exists(out.resolve("today")), "nothing is visible under the run id");
    assertEquals(before, Files.readString(out.resolve("daily/manifest.json")));

    List<String> overwrite = new ArrayList<>(shortJobArgs(out, "daily"));
    overwrite.addAll(List.of("--conf", "output.overwrite=true", "--conf", "synthetic.day=1"));
    halted(startDriver(List.of(haltAt(FaultPoint.BETWEEN_PUBLISH_RENAMES)), overwrite));
    assertFalse(Files.exists(out.resolve("daily")), "the driver stopped between the renames");
    assertEquals(1, hiddenFolders(out, ".daily.old-").size(), "the old run was moved aside");

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> runHere(shortJobArgs(out, "daily")));
    assertTrue(refused.getMessage().contains("already holds a published run 'daily'"), refused.getMessage());
    assertEquals(before, Files.readString(out.resolve("daily/manifest.json")), "the old run was moved back");
    assertEquals(List.of(), Manifest.verify(new org.apache.hadoop.fs.Path(out.resolve("daily").toUri()),
        new Configuration()));

    runHere(shortJobArgs(out, "today"));
    runHere(overwrite);
    assertEquals(List.of(), Manifest.verify(new org.apache.hadoop.fs.Path(out.resolve("today").toUri()),
        new Configuration()));
    assertFalse(before.equals(Files.readString(out.resolve("daily/manifest.json"))), "replaced by day 1's run");
    try (java.util.stream.Stream<Path> s = Files.list(out)) {
      assertEquals(List.of("LATEST", "daily", "today"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  /** Runs the job in this JVM on a local[2] session, as a driver JVM would (the tables do not depend on it). */
  static void runHere(List<String> args) throws Exception {
    SparkSession spark = SparkTestSupport.session("local[2]");
    try {
      TrainJob.run(spark, JobMain.parseArgs(args.toArray(new String[0])));
    } finally {
      SparkTestSupport.stop(spark);
    }
  }

  /** Waits for a driver halted at a fault point, asserting its exit code. */
  static void halted(Process driver) throws Exception {
    String log = new String(driver.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(driver.waitFor(300, TimeUnit.SECONDS));
    assertEquals(FaultPoint.EXIT_CODE, driver.exitValue(), log);
  }

  /** The JVM option that halts a driver at a fault point. */
  static String haltAt(String place) {
    return "-D" + FaultPoint.PROPERTY + "=" + place;
  }

  /** The hidden folders under {@code out} whose names start with {@code prefix}. */
  static List<Path> hiddenFolders(Path out, String prefix) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.list(out)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }
  }
}

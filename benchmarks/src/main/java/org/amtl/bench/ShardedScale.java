package org.amtl.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.spark.TrainJob;
import org.amtl.spark.job.JobSession;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.SparkSession;

/**
 * Sharded tables at a scale no executor can hold: a generated log with one field of up to {@code bigValues}
 * distinct values (10,000,000 by default: at d = 32 its rows and accumulators alone are 2.56 GB) and four fields of
 * 100 values; a log of fewer than 16M rows takes bigValues x rows / 16M values, so every size has the shape of the
 * 16M log and time per row compares like with like. On a cluster whose executors are their own JVMs of 1 GB (start
 * it with {@code -Dspark.master=local-cluster[2,1,1024]}, a 2 GB driver and the executor class path;
 * {@code benchmarks/run} does). For each row count: the job with sharded tables (the largest with
 * {@code train.tables=auto}, which must choose them), then at the largest the job with
 * {@code train.tables=broadcast}, which must stop before training with the named error and write nothing. Prints
 * per run the time per training row, the shuffle bytes of each round against the cost model (2 x the rows a round
 * moves x (8d + 16) bytes), and each JVM's peak live heap (the driver's sampled here, the executors' by
 * {@link WorkerHeap.LiveHeap}). Usage:
 * {@code ShardedScale bigValues rows...}.
 */
public final class ShardedScale {
  /** Rows per data partition: a round's slice of a partition (a quarter) then touches at most 125,000 rows. */
  private static final long ROWS_PER_PARTITION = 500_000;
  /** The log whose shape every size keeps: bigValues distinct values in 16M rows. */
  private static final long SHAPE_ROWS = 16_000_000;

  private ShardedScale() {}

  public static void main(String[] args) throws Exception {
    long bigValues = Long.parseLong(args[0]);
    Path out = Files.createTempDirectory("amtl-sharded-scale");
    Path heapDir = Files.createDirectories(out.resolve("heap"));
    System.setProperty("spark.plugins", WorkerHeap.LiveHeap.class.getName());
    System.setProperty(WorkerHeap.DIR, heapDir.toString());
    System.setProperty(WorkerHeap.EVERY, "3000"); // a full collection each time: not every second under load
    SparkSession spark = JobSession.session("amtl-sharded-scale");
    ShuffleByJob shuffles = new ShuffleByJob();
    spark.sparkContext().addSparkListener(shuffles);
    DriverHeap driver = new DriverHeap(shuffles, spark.sparkContext());
    driver.start();
    try {
      long deadline = System.nanoTime() + 120_000_000_000L; // executors register a few seconds after start
      while (spark.sparkContext().getExecutorMemoryStatus().size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      System.out.printf(Locale.ROOT, "%s: %d executor JVMs of %s, driver heap %.0f MB; one field of up to %,d values"
          + " plus 4 of 100, d = 32, %,d rows per data partition, 4 rounds, no checkpoints%n",
          spark.sparkContext().master(), spark.sparkContext().getExecutorMemoryStatus().size() - 1,
          spark.sparkContext().getConf().get("spark.executor.memory", "1g"),
          Runtime.getRuntime().maxMemory() / 1e6, bigValues, ROWS_PER_PARTITION);
      AmtlConfig config = null;
      for (int i = 1; i < args.length; i++) {
        long rows = Long.parseLong(args[i]);
        boolean largest = i == args.length - 1;
        String log = out.resolve("log-" + rows).toString();
        // every size keeps the shape of the 16M log (distinct values per row), so a row costs the same work at each
        long values = Math.max(1, Math.min(bigValues, bigValues * rows / SHAPE_ROWS));
        generate(spark, rows, values).write().parquet(log);
        config = AmtlConfig.defaults().with(Keys.INPUT_PATHS, List.of(log))
            .with(Keys.INPUT_FEATURES, List.of("big", "s1", "s2", "s3", "s4"))
            .with(Keys.OUTPUT_PATH, out.resolve("tables").toString()).with(Keys.OUTPUT_RUN_ID, "rows-" + rows)
            .with(Keys.CHECKPOINT_INTERVAL, 0).with(Keys.EVAL_PER_ROUND, false)
            .with(Keys.PARTITIONS, (int) Math.max(2, rows / ROWS_PER_PARTITION))
            .with(Keys.TABLES, largest ? Keys.TableMode.AUTO : Keys.TableMode.SHARDED);
        Thread.sleep(3500); // one idle sample of every JVM between runs
        shuffles.clear();
        long start = System.currentTimeMillis();
        TrainJob.Summary s = TrainJob.run(spark, config);
        long end = System.currentTimeMillis();
        Thread.sleep(3500);
        report(rows, config, s, shuffles, driver, heapDir, start, end);
        if (!largest) {
          org.apache.commons.io.FileUtils.deleteQuietly(out.resolve("log-" + rows).toFile());
        }
      }
      forcedBroadcast(spark, config, out.resolve("tables"));
    } finally {
      driver.interrupt();
      spark.stop();
      org.apache.commons.io.FileUtils.deleteQuietly(out.toFile());
    }
  }

  /**
   * The log: {@code big} takes each of {@code min(rows, bigValues)} values once before any twice (a permutation of
   * the ids), four fields take 100 values each by a hash of the row, and the label is drawn (by a hash, so the same
   * for any partitioning) from a logistic model of the small fields and the big value's residue mod 5.
   */
  static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> generate(SparkSession spark, long rows,
      long bigValues) {
    String big = "pmod(id * 7919, " + bigValues + ")"; // 7919 is prime, so coprime to 10^k: a permutation
    return spark.range(0, rows, 1, 16).selectExpr("id",
        "concat('u', cast(" + big + " as string)) as big",
        "concat('a', cast(pmod(hash(id, 1), 100) as string)) as s1",
        "concat('b', cast(pmod(hash(id, 2), 100) as string)) as s2",
        "concat('c', cast(pmod(hash(id, 3), 100) as string)) as s3",
        "concat('d', cast(pmod(hash(id, 4), 100) as string)) as s4")
        .selectExpr("big", "s1", "s2", "s3", "s4", "cast(pmod(hash(id, 99), 1000000) / 1e6 < 1 / (1 + exp(-("
            + "(pmod(hash(s1), 7) - 3) / 2.0 + (pmod(hash(s2), 7) - 3) / 2.0 + (pmod(hash(s3), 5) - 2) / 2.0 "
            + "+ (pmod(hash(big), 5) - 2) / 2.0 - 1))) as int) as label");
  }

  private static void report(long rows, AmtlConfig config, TrainJob.Summary s, ShuffleByJob shuffles,
      DriverHeap driver, Path heapDir, long start, long end) throws IOException {
    com.fasterxml.jackson.databind.JsonNode manifest = org.amtl.core.table.Manifest.read(
        new org.apache.hadoop.fs.Path(s.output()), new org.apache.hadoop.conf.Configuration());
    com.fasterxml.jackson.databind.JsonNode run = manifest.path("run");
    double trainSeconds = s.stageSeconds().entrySet().stream().filter(e -> e.getKey().startsWith("train:"))
        .mapToDouble(Map.Entry::getValue).sum();
    double jobSeconds = s.stageSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf(Locale.ROOT, "%n%,d rows (%s=%s): %s, %s shards, %d data partitions; vocabulary %,d rows; "
            + "test AUC %.4f%n", rows, Keys.TABLES.name(), config.get(Keys.TABLES).name().toLowerCase(Locale.ROOT),
        run.path("tables").asText(), run.path("shards").asText(), config.getInt(Keys.PARTITIONS),
        manifest.path("storage").path("fixedFloats").asLong() / config.getInt(Keys.DIM), s.auc());
    System.out.printf(Locale.ROOT, "  time per training row: job %.1f us, training %.1f us (%,d training rows, job "
        + "%.0f s, training %.0f s)%n", 1e6 * jobSeconds / s.trainRows(), 1e6 * trainSeconds / s.trainRows(),
        s.trainRows(), jobSeconds, trainSeconds);
    System.out.printf(Locale.ROOT, "  seconds by stage: %s%n", String.join(", ", s.stageSeconds().entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue())).toList()));
    int recordBytes = 2 * Long.BYTES + Float.BYTES * 2 * config.getInt(Keys.DIM);
    List<ShuffleByJob.Moved> needs = shuffles.of("AMTL sharded tables: which rows each slice needs");
    for (int r = 0; r < s.rounds().size(); r++) {
      List<ShuffleByJob.Moved> round = shuffles.of(String.format(Locale.ROOT,
          "AMTL train round %d/%d (epoch 1, sharded tables)", r + 1, s.rounds().size()));
      long bytes = round.stream().mapToLong(ShuffleByJob.Moved::bytes).sum();
      long moved = r < needs.size() ? needs.get(r).records() : -1;
      double model = 2.0 * moved * recordBytes;
      System.out.printf(Locale.ROOT, "  round %d: moves %,d rows each way; shuffled %.1f MB against the cost model's "
          + "%.1f MB (%.2fx; stages: %s)%n", r + 1, moved, bytes / 1e6, model / 1e6, bytes / model,
          String.join(", ", round.stream().map(m -> String.format(Locale.ROOT, "%.1f MB in %,d records", m.bytes()
              / 1e6, m.records())).toList()));
    }
    ShuffleByJob.TaskTime rounds = new ShuffleByJob.TaskTime(0, 0, 0, 0, 0);
    for (int r = 0; r < s.rounds().size(); r++) {
      rounds = rounds.plus(shuffles.timeOf(String.format(Locale.ROOT,
          "AMTL train round %d/%d (epoch 1, sharded tables)", r + 1, s.rounds().size())));
    }
    double perRow = 1e3 / s.trainRows(); // milliseconds to microseconds per row
    System.out.printf(Locale.ROOT, "  the rounds' tasks per training row (summed over %d tasks, every executor): run "
        + "%.1f us, CPU %.1f us, GC %.1f us, shuffle fetch wait %.1f us%n", rounds.tasks(),
        rounds.runMillis() * perRow, rounds.cpuNanos() / 1e6 * perRow, rounds.gcMillis() * perRow,
        rounds.fetchWaitMillis() * perRow);
    shuffles.stagesOf(String.format(Locale.ROOT, "AMTL train round %d/%d (epoch 1, sharded tables)",
        Math.min(2, s.rounds().size()), s.rounds().size()))
        .forEach(line -> System.out.println("    round 2 stage " + line));
    System.out.printf(Locale.ROOT, "  cached blocks at the peak: %.0f MB in memory, %.0f MB on disk%n",
        driver.peakCachedMemory(start, end) / 1e6, driver.peakCachedDisk(start, end) / 1e6);
    DriverHeap.Sample top = driver.peak(start, end);
    System.out.printf(Locale.ROOT, "  peak live heap: driver %.0f MB (idle before the run %.0f MB; float[] %.0f MB, "
        + "byte[] %.0f MB, long[] %.0f MB; largest other classes: %s; during '%s')%n", top.live().total() / 1e6,
        driver.idleBefore(start) / 1e6, top.live().floatArrays() / 1e6, top.live().byteArrays() / 1e6,
        top.live().longArrays() / 1e6, top.live().othersInMegabytes(), top.job());
    try (var files = Files.list(heapDir)) {
      for (Path f : files.sorted().toList()) {
        List<String[]> samples = Files.readAllLines(f).stream().map(l -> l.trim().split(" ")).toList();
        LiveObjects peak = samples.stream().filter(x -> Long.parseLong(x[0]) >= start && Long.parseLong(x[0]) <= end)
            .map(LiveObjects::parse).max(java.util.Comparator.comparingLong(LiveObjects::total)).orElse(null);
        LiveObjects idle = samples.stream().filter(x -> Long.parseLong(x[0]) < start).map(LiveObjects::parse)
            .reduce((a, b) -> b).orElse(null);
        if (peak != null) {
          System.out.printf(Locale.ROOT, "  peak live heap: executor %s %.0f MB (idle before the run %.0f MB; float[] "
              + "%.0f MB, byte[] %.0f MB; largest other classes: %s)%n", f.getFileName(), peak.total() / 1e6,
              idle == null ? Double.NaN : idle.total() / 1e6, peak.floatArrays() / 1e6, peak.byteArrays() / 1e6,
              peak.othersInMegabytes());
        }
      }
    }
  }

  /** The job with every row in every task: must stop before training with the named error, writing nothing. */
  private static void forcedBroadcast(SparkSession spark, AmtlConfig config, Path tables) throws IOException {
    List<String> before = list(tables);
    AmtlConfig forced = config.with(Keys.TABLES, Keys.TableMode.BROADCAST).with(Keys.OUTPUT_RUN_ID, "broadcast");
    try {
      TrainJob.run(spark, forced);
      System.out.printf(Locale.ROOT, "%n%s=broadcast: the job ran; expected it to stop (FAILED)%n",
          Keys.TABLES.name());
    } catch (IllegalArgumentException e) {
      List<String> after = list(tables);
      System.out.printf(Locale.ROOT, "%n%s=broadcast at the largest: stopped before training: %s%n  output folder "
          + "%s%n", Keys.TABLES.name(), e.getMessage(), before.equals(after) ? "unchanged (nothing written)"
          : "CHANGED: " + before + " -> " + after);
    }
  }

  private static List<String> list(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Shuffle bytes and records written by each job description's stages, in the order the stages completed. */
  static final class ShuffleByJob extends SparkListener {
    record Moved(int stage, long bytes, long records) {}

    /** Task time summed over a job description's stages: run, CPU, garbage collection and shuffle fetch wait. */
    record TaskTime(long runMillis, long cpuNanos, long gcMillis, long fetchWaitMillis, int tasks) {
      TaskTime plus(TaskTime o) {
        return new TaskTime(runMillis + o.runMillis, cpuNanos + o.cpuNanos, gcMillis + o.gcMillis,
            fetchWaitMillis + o.fetchWaitMillis, tasks + o.tasks);
      }
    }

    private final Map<String, TaskTime> taskTime = new ConcurrentHashMap<>();
    private final Map<String, List<String>> stageTimes = new ConcurrentHashMap<>();

    private final Map<Integer, String> stageDescription = new ConcurrentHashMap<>();
    private final Map<String, List<Moved>> moved = new ConcurrentHashMap<>();
    private volatile String lastStarted = "";

    @Override
    public void onJobStart(SparkListenerJobStart job) {
      String description = job.properties() == null ? null
          : job.properties().getProperty("spark.job.description");
      if (description != null) {
        lastStarted = description;
        scala.jdk.javaapi.CollectionConverters.asJava(job.stageIds())
            .forEach(id -> stageDescription.put((Integer) id, description));
      }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted completed) {
      org.apache.spark.scheduler.StageInfo info = completed.stageInfo();
      String description = stageDescription.get(info.stageId());
      if (description == null || info.taskMetrics() == null) {
        return;
      }
      org.apache.spark.executor.TaskMetrics m = info.taskMetrics();
      TaskTime t = new TaskTime(m.executorRunTime(), m.executorCpuTime(), m.jvmGCTime(),
          m.shuffleReadMetrics().fetchWaitTime(), info.numTasks());
      taskTime.merge(description, t, TaskTime::plus);
      stageTimes.computeIfAbsent(description, d -> java.util.Collections.synchronizedList(new ArrayList<>()))
          .add(String.format(Locale.ROOT, "%s: %d tasks, run %.1f s, CPU %.1f s, GC %.1f s, input %.0f MB, spilled "
              + "%.0f MB", info.name(), t.tasks(), t.runMillis() / 1e3, t.cpuNanos() / 1e9, t.gcMillis() / 1e3,
              m.inputMetrics().bytesRead() / 1e6, m.diskBytesSpilled() / 1e6));
      long bytes = info.taskMetrics().shuffleWriteMetrics().bytesWritten();
      if (bytes > 0) {
        moved.computeIfAbsent(description, d -> java.util.Collections.synchronizedList(new ArrayList<>()))
            .add(new Moved(info.stageId(), bytes, info.taskMetrics().shuffleWriteMetrics().recordsWritten()));
      }
    }

    /** The description of the job that started last. */
    String lastStarted() {
      return lastStarted;
    }

    List<Moved> of(String description) {
      return moved.getOrDefault(description, List.of());
    }

    List<String> stagesOf(String description) {
      return stageTimes.getOrDefault(description, List.of());
    }

    TaskTime timeOf(String description) {
      return taskTime.getOrDefault(description, new TaskTime(0, 0, 0, 0, 0));
    }

    void clear() {
      moved.clear();
      taskTime.clear();
      stageTimes.clear();
    }
  }

  /**
   * The driver's live objects every 3 seconds (each a full collection), with their times and the job that was
   * running (its description, as the listener last saw one start).
   */
  static final class DriverHeap extends Thread {
    record Sample(long millis, LiveObjects live, String job, long cachedMemory, long cachedDisk) {}

    private final List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    private final ShuffleByJob jobs;

    private final org.apache.spark.SparkContext sc;

    DriverHeap(ShuffleByJob jobs, org.apache.spark.SparkContext sc) {
      super("driver-live-heap");
      this.jobs = jobs;
      this.sc = sc;
      setDaemon(true);
    }

    @Override
    public void run() {
      while (!isInterrupted()) {
        long memory = 0;
        long disk = 0;
        for (org.apache.spark.storage.RDDInfo rdd : sc.getRDDStorageInfo()) {
          memory += rdd.memSize();
          disk += rdd.diskSize();
        }
        samples.add(new Sample(System.currentTimeMillis(), LiveObjects.take(), jobs.lastStarted(), memory, disk));
        try {
          Thread.sleep(3000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** The largest sample between two times, or null. */
    Sample peak(long from, long to) {
      synchronized (samples) {
        return samples.stream().filter(s -> s.millis() >= from && s.millis() <= to)
            .max(java.util.Comparator.comparingLong(s -> s.live().total())).orElse(null);
      }
    }

    long peakCachedMemory(long from, long to) {
      synchronized (samples) {
        return samples.stream().filter(s -> s.millis() >= from && s.millis() <= to).mapToLong(Sample::cachedMemory)
            .max().orElse(-1);
      }
    }

    long peakCachedDisk(long from, long to) {
      synchronized (samples) {
        return samples.stream().filter(s -> s.millis() >= from && s.millis() <= to).mapToLong(Sample::cachedDisk)
            .max().orElse(-1);
      }
    }

    long idleBefore(long from) {
      synchronized (samples) {
        return samples.stream().filter(s -> s.millis() < from).mapToLong(s -> s.live().total()).reduce((a, b) -> b)
            .orElse(-1);
      }
    }
  }
}

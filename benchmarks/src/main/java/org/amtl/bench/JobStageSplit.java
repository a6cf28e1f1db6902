package org.amtl.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.spark.TrainJob;
import org.amtl.spark.io.SyntheticInput;
import org.amtl.spark.job.JobSession;
import org.apache.spark.sql.SparkSession;

/**
 * The whole job's time split by stage, at default settings, on a generated click log written to Parquet first (26
 * fields; rows from the first argument, default 1,000,000): read and check, count, encode, the training rounds (partition tasks, parameter
 * averaging, writing the state, checkpoints), evaluation and publishing. Prints each stage's share and averaging's share of
 * the rounds, and the JVM's peak heap against the model's parameter and optimizer bytes (in local mode one JVM
 * holds the driver's model, one training copy per task running at once, the state read back and the cached examples).
 * With {@code live}, prints only the peak of live objects instead (see {@link HeapPeak}).
 * Usage: {@code JobStageSplit [rows] [live]}.
 */
public final class JobStageSplit {
  private JobStageSplit() {}

  /**
   * Samples the used heap in a daemon thread; the old generation's peak comes from its memory pool. In live mode
   * the sampler runs a full collection before each sample, so the peak is of live objects only (and the stage
   * times are not representative: the collections stop the job).
   */
  static final class HeapPeak {
    private volatile boolean running = true;
    private volatile long peakUsed;
    private final List<double[]> samples = new java.util.concurrent.CopyOnWriteArrayList<>(); // (seconds, bytes)
    private Thread sampler;

    static HeapPeak start(boolean live) {
      HeapPeak h = new HeapPeak();
      java.lang.management.ManagementFactory.getMemoryPoolMXBeans().forEach(p -> p.resetPeakUsage());
      h.sampler = new Thread(() -> {
        java.lang.management.MemoryMXBean mem = java.lang.management.ManagementFactory.getMemoryMXBean();
        long start = System.nanoTime();
        while (h.running) {
          if (live) {
            System.gc();
          }
          long used = mem.getHeapMemoryUsage().getUsed();
          h.peakUsed = Math.max(h.peakUsed, used);
          if (live) {
            h.samples.add(new double[] {(System.nanoTime() - start) / 1e9, used});
          }
          try {
            Thread.sleep(live ? 1000 : 50);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-sampler");
      h.sampler.setDaemon(true);
      h.sampler.start();
      return h;
    }

    void stop() throws InterruptedException {
      running = false;
      sampler.join();
    }

    /** The peak of the samples taken from {@code from} to {@code to} seconds after the start. */
    long peakBetween(double from, double to) {
      return (long) samples.stream().filter(x -> x[0] >= from && x[0] < to).mapToDouble(x -> x[1]).max().orElse(0);
    }

    long oldGenPeak() {
      return java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getName().contains("Old Gen")).mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    boolean live = args.length > 1 && args[1].equals("live");
    Path out = Files.createTempDirectory("amtl-stage-split");
    SparkSession spark = JobSession.session("amtl-stage-split");
    try {
      String log = out.resolve("log").toString();
      SyntheticInput.generate(spark, AmtlConfig.defaults().with(Keys.SYNTHETIC_ROWS, rows)).write().parquet(log);
      AmtlConfig config = AmtlConfig.defaults().with(Keys.INPUT_PATHS, java.util.List.of(log))
          .with(Keys.OUTPUT_PATH, out.resolve("tables").toString()).with(Keys.OUTPUT_RUN_ID, "split");
      HeapPeak heap = HeapPeak.start(live);
      TrainJob.Summary s = TrainJob.run(spark, config);
      heap.stop();
      if (live) {
        Map<String, Double> t = s.stageSeconds();
        double prepared = t.getOrDefault("read and check input", 0.0) + t.getOrDefault("count values", 0.0)
            + t.getOrDefault("encode and lay out examples", 0.0);
        long before = heap.peakBetween(0, prepared);
        long training = heap.peakBetween(prepared, Double.MAX_VALUE);
        System.out.printf(Locale.ROOT, "live heap (full collection before each sample, every second) in this JVM "
            + "(driver and %s task threads): peak %.0f MB while reading, counting and encoding; %.0f MB while "
            + "training and publishing (cached examples %.0f MB); model parameters and optimizer state %.0f MB per "
            + "copy: %.1fx and %.1fx%n", spark.sparkContext().master(), before / 1e6, training / 1e6,
            s.cachedExampleBytes() / 1e6, s.modelBytes() / 1e6, (double) before / s.modelBytes(),
            (double) training / s.modelBytes());
        return;
      }
      Map<String, Double> t = s.stageSeconds();
      double total = t.values().stream().mapToDouble(Double::doubleValue).sum();
      System.out.printf(Locale.ROOT, "job on %,d rows x 26 fields of Parquet (defaults): %.1f s%n", rows, total);
      t.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-48s %7.1f s  %5.1f%%%n", k, v, 100 * v / total));
      double tasks = t.getOrDefault("train: partition tasks", 0.0);
      double average = t.getOrDefault("train: average", 0.0);
      double writeState = t.getOrDefault("train: write state", 0.0);
      double rounds = tasks + average + writeState + t.getOrDefault("train: checkpoint", 0.0)
          + t.getOrDefault("evaluate", 0.0);
      System.out.printf(Locale.ROOT, "parameter averaging: %.1f%% of the rounds (tasks, averaging, writing the state, "
          + "checkpoints, evaluation), %.1f%% of tasks + averaging + writing the state; %.1f us per training row%n",
          100 * average / rounds, 100 * average / (tasks + average + writeState), 1e6 * total / s.trainRows());
      System.out.printf(Locale.ROOT, "heap: peak used %.0f MB (sampled every 50 ms, garbage included), old "
          + "generation peak %.0f MB; model parameters and optimizer state %.0f MB per copy: %.1fx and %.1fx%n",
          heap.peakUsed / 1e6, heap.oldGenPeak() / 1e6, s.modelBytes() / 1e6, (double) heap.peakUsed / s.modelBytes(),
          (double) heap.oldGenPeak() / s.modelBytes());
    } finally {
      spark.stop();
      org.apache.commons.io.FileUtils.deleteQuietly(out.toFile());
    }
  }
}

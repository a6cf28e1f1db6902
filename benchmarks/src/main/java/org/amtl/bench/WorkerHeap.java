package org.amtl.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.spark.TrainJob;
import org.amtl.spark.io.SyntheticInput;
import org.amtl.spark.job.JobSession;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.apache.spark.sql.SparkSession;

/**
 * The live heap of a real worker: the job at default settings (rows from the first argument, default 1,000,000,
 * generated and written to Parquet first) on a cluster whose executors are their own JVMs (start it with
 * {@code -Dspark.master=local-cluster[2,1,2048]} and the executor class path; {@code benchmarks/run} does). A Spark
 * plugin ({@link LiveHeap}) runs in every executor: every second (or every {@link #EVERY} milliseconds) the JVM's
 * class histogram of live objects ({@link LiveObjects}). Prints each executor's idle live objects (Spark's own,
 * before any task) and its peaks while the input is read, counted and encoded and while the model trains, is
 * evaluated and published, above idle, against the model's parameter and optimizer bytes, with what each peak was
 * made of.
 * Usage: {@code WorkerHeap [rows]}.
 */
public final class WorkerHeap {
  static final String DIR = "spark.amtl.bench.heapDir";

  /** Milliseconds between two samples of an executor (each one a full collection); 1000 unless set. */
  static final String EVERY = "spark.amtl.bench.heapEveryMs";

  private WorkerHeap() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path out = Files.createTempDirectory("amtl-worker-heap");
    Path heapDir = Files.createDirectories(out.resolve("heap"));
    System.setProperty("spark.plugins", LiveHeap.class.getName());
    System.setProperty(DIR, heapDir.toString());
    SparkSession spark = JobSession.session("amtl-worker-heap");
    try {
      long deadline = System.nanoTime() + 120_000_000_000L; // executors register a few seconds after start
      while (spark.sparkContext().getExecutorMemoryStatus().size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      int executors = spark.sparkContext().getExecutorMemoryStatus().size() - 1;
      String log = out.resolve("log").toString();
      SyntheticInput.generate(spark, AmtlConfig.defaults().with(Keys.SYNTHETIC_ROWS, rows)).write().parquet(log);
      AmtlConfig config = AmtlConfig.defaults().with(Keys.INPUT_PATHS, List.of(log))
          .with(Keys.OUTPUT_PATH, out.resolve("tables").toString()).with(Keys.OUTPUT_RUN_ID, "heap");
      Thread.sleep(2000); // every executor has taken an idle sample
      long start = System.currentTimeMillis();
      TrainJob.Summary s = TrainJob.run(spark, config);
      Thread.sleep(2000); // and a last one after the job
      Map<String, Double> t = s.stageSeconds();
      long trainingFrom = start + (long) (1000 * (t.getOrDefault("read and check input", 0.0)
          + t.getOrDefault("count values", 0.0) + t.getOrDefault("encode and lay out examples", 0.0)));
      System.out.printf(Locale.ROOT, "job on %,d rows (defaults) on %s, %d executor JVMs of 1 core; model parameters "
          + "and optimizer state %.0f MB; cached examples %.0f MB in all%n", rows, spark.sparkContext().master(),
          executors, s.modelBytes() / 1e6, s.cachedExampleBytes() / 1e6);
      try (var files = Files.list(heapDir)) {
        for (Path f : files.sorted().toList()) {
          List<String[]> samples = Files.readAllLines(f).stream().map(l -> l.trim().split(" ")).toList();
          LiveObjects idle = LiveObjects.parse(samples.get(0));
          System.out.printf(Locale.ROOT, "executor %s: live objects idle %.0f MB (Spark's own)%n", f.getFileName(),
              idle.total() / 1e6);
          report("reading, counting and encoding", samples.stream() // not while the input was generated
              .filter(x -> Long.parseLong(x[0]) >= start && Long.parseLong(x[0]) < trainingFrom), idle, s.modelBytes());
          report("training, evaluating and publishing", samples.stream()
              .filter(x -> Long.parseLong(x[0]) >= trainingFrom), idle, s.modelBytes());
        }
      }
    } finally {
      spark.stop();
      org.apache.commons.io.FileUtils.deleteQuietly(out.toFile());
    }
  }

  /** The peak of live objects above idle in one phase, and what it was made of. */
  private static void report(String phase, java.util.stream.Stream<String[]> samples, LiveObjects idle,
      long modelBytes) {
    LiveObjects peak = samples.map(LiveObjects::parse).max(java.util.Comparator.comparingLong(LiveObjects::total))
        .orElse(idle).minus(idle);
    System.out.printf(Locale.ROOT, "  peak above idle while %s: %.0f MB = %.1fx the model (float[] %.0f MB, "
            + "int[] %.0f MB, byte[] %.0f MB, long[] %.0f MB, other %.0f MB; largest other classes in all: %s)%n",
        phase, peak.total() / 1e6, (double) peak.total() / modelBytes, peak.floatArrays() / 1e6,
        peak.intArrays() / 1e6, peak.byteArrays() / 1e6, peak.longArrays() / 1e6, (peak.total() - peak.floatArrays()
            - peak.intArrays() - peak.byteArrays() - peak.longArrays()) / 1e6, peak.othersInMegabytes());
  }

  /**
   * Samples the executor's live objects every second, or as often as {@link #EVERY} says ({@link LiveObjects});
   * appends one line per sample to a file named by executor.
   */
  public static final class LiveHeap implements SparkPlugin {
    @Override
    public DriverPlugin driverPlugin() {
      return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
      return new ExecutorPlugin() {
        private volatile boolean running = true;

        @Override
        public void init(PluginContext ctx, Map<String, String> extraConf) {
          Path file = Path.of(ctx.conf().get(DIR), ctx.executorID());
          long every = Long.parseLong(ctx.conf().get(EVERY, "1000"));
          Thread sampler = new Thread(() -> sample(file, every), "live-heap-sampler");
          sampler.setDaemon(true);
          sampler.start();
        }

        private void sample(Path file, long every) {
          while (running) {
            String line = LiveObjects.take().line(System.currentTimeMillis());
            try { // one line per sample, written at once: the JVM may end without a shutdown call
              Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND);
              Thread.sleep(every);
            } catch (IOException | InterruptedException e) {
              return;
            }
          }
        }

        @Override
        public void shutdown() {
          running = false;
        }
      };
    }
  }
}

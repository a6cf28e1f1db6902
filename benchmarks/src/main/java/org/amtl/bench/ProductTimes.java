package org.amtl.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.amtl.core.kernels.Blas;
import org.amtl.core.kernels.Gemm;
import org.amtl.core.kernels.SparseRows;

/**
 * Each dense product of the reference model's layers (batch 512; the first layer 416 -> 400, a hidden one
 * 400 -> 400), timed side by side with every implementation this JVM has: our dense kernel, our kernel skipping the
 * zeros of the factor that has them and netlib's native BLAS (when one loads, e.g. OpenBLAS); then netlib's Java
 * BLAS, alone (see the note where it runs).
 * The products are a layer's forward x W, its input gradient dy W^T and its weight gradient x^T dy; the factor with
 * zeros (x, or dy for the input gradient) is given shares of zeros from none to 90%, at random places as a ReLU
 * leaves them, and in AMTL's pattern for the first layer's input (each field's 16 dims keep a prefix of their own
 * length). The implementations run round-robin, so a shared machine's drift falls on all alike; each figure is the
 * median over rounds, in GFLOP/s of the dense product's work, and as a share of the float FMA peak measured in the
 * same run. Then, per product, the share of zeros from which skipping them beats each dense implementation: what
 * {@link Gemm#ZERO_SHARE_TO_SKIP} and {@code train.kernels=auto} are set from.
 * Usage: {@code ProductTimes [rounds]}; run with OPENBLAS_NUM_THREADS=1 (one thread per task, as in the job).
 */
public final class ProductTimes {
  static final int BATCH = 512;
  static final int OUT = 400;
  static final double[] ZERO_SHARES = {0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

  private ProductTimes() {}

  /** One way to run a product, or null where it does not apply (skipping a factor without zeros). */
  interface Way {
    void run();
  }

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    BLAS nativeBlas = nativeBlas();
    List<String> names = new ArrayList<>(List.of("ours dense", "ours skipping"));
    if (nativeBlas != null) {
      names.add("netlib native");
    }
    double peak = fmaPeak();
    System.out.printf(Locale.ROOT, "netlib native: %s; our kernel %s; float FMA peak of one core %.1f GFLOP/s; "
        + "GFLOP/s as dense work (%% of that peak), median of %d rounds%n", nativeBlas == null
        ? "none found (install OpenBLAS: see docs/performance.md)" : nativeBlas.getClass().getSimpleName() + " ("
        + System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset") + " OpenBLAS threads)",
        Gemm.implementation(), peak, rounds);
    System.out.printf(Locale.ROOT, "%-44s %6s %s%n", "product", "zeros", String.join(" | ", names));
    SplittableRandom rnd = new SplittableRandom(17);
    for (int in : new int[] {416, OUT}) {
      String layer = in == 416 ? "first layer 416->400" : "hidden layer 400->400";
      Factors f = new Factors(rnd, in);
      for (String product : new String[] {"forward x W", "input gradient dy W^T", "weight gradient x^T dy"}) {
        boolean dyHasZeros = product.startsWith("input");
        List<Double> shares = new ArrayList<>();
        List<double[]> rates = new ArrayList<>();
        for (double share : ZERO_SHARES) {
          for (boolean prefix : in == 416 && !dyHasZeros && share > 0 ? new boolean[] {false, true}
              : new boolean[] {false}) {
            f.setZeros(rnd, dyHasZeros, share, prefix);
            double[] gflops = time(ways(product, f, nativeBlas == null ? List.of() : List.of(nativeBlas)), rounds,
                2.0 * BATCH * in * OUT);
            if (!prefix) {
              shares.add(share);
              rates.add(gflops);
            }
            StringBuilder row = new StringBuilder();
            for (double g : gflops) {
              row.append(row.length() == 0 ? "" : " | ").append(Double.isNaN(g) ? "-"
                  : String.format(Locale.ROOT, "%.1f (%.0f%%)", g, 100 * g / peak));
            }
            System.out.printf(Locale.ROOT, "%-44s %5.0f%% %s%n", layer + " " + product
                + (prefix ? ", AMTL prefixes" : ""), 100 * f.zeroShare(dyHasZeros), row);
          }
        }
        StringBuilder cross = new StringBuilder();
        for (int d = 0; d < names.size(); d++) {
          if (d != 1) {
            cross.append(cross.length() == 0 ? "" : ", ").append("against ").append(names.get(d)).append(" from ")
                .append(crossover(shares, rates, d));
          }
        }
        System.out.printf(Locale.ROOT, "  %s %s: skipping pays %s%n", layer, product, cross);
      }
    }
    // netlib's Java BLAS last: once it has run, our skipping kernel runs several times slower in the same JVM
    // (measured 7x: the Vector API code of both shares type profiles, and ours loses its intrinsics), so it is
    // timed alone, on dense factors (it skips nothing)
    BLAS javaBlas = JavaBLAS.getInstance();
    for (int in : new int[] {416, OUT}) {
      Factors f = new Factors(rnd, in);
      for (String product : new String[] {"forward x W", "input gradient dy W^T", "weight gradient x^T dy"}) {
        double g = time(ways(product, f, List.of(javaBlas)).subList(2, 3), rounds, 2.0 * BATCH * in * OUT)[0];
        System.out.printf(Locale.ROOT, "%-44s netlib Java (%s, run after the others): %.1f (%.0f%%)%n",
            (in == 416 ? "first layer 416->400 " : "hidden layer 400->400 ") + product,
            javaBlas.getClass().getSimpleName(), g, 100 * g / peak);
      }
    }
  }

  /** The products' operands: x (batch x in), W (in x out), dy (batch x out), and the outputs. */
  static final class Factors {
    final int in;
    final float[] x;
    final float[] w;
    final float[] dy;
    final float[] xDense;
    final float[] dyDense;
    final float[] y = new float[BATCH * OUT];
    final float[] dx;
    final float[] dw;
    final float[] wT;
    final SparseRows marks = new SparseRows();

    Factors(SplittableRandom rnd, int in) {
      this.in = in;
      xDense = gaussian(rnd, BATCH * in);
      dyDense = gaussian(rnd, BATCH * OUT);
      x = xDense.clone();
      dy = dyDense.clone();
      w = gaussian(rnd, in * OUT);
      dx = new float[BATCH * in];
      dw = new float[in * OUT];
      wT = new float[in * OUT];
    }

    /** Zeros in x (or dy) at this share: at random places, or as AMTL's masks leave a 16-dim field's prefix. */
    void setZeros(SplittableRandom rnd, boolean inDy, double share, boolean prefix) {
      float[] dense = inDy ? dyDense : xDense;
      float[] m = inDy ? dy : x;
      int cols = inDy ? OUT : in;
      for (int i = 0; i < BATCH; i++) {
        for (int p = 0; p < cols; p += prefix ? 16 : 1) {
          if (prefix) {
            int keep = (int) Math.round(16 * (1 - share)) + rnd.nextInt(7) - 3;
            for (int q = 0; q < 16; q++) {
              m[i * cols + p + q] = q < keep ? dense[i * cols + p + q] : 0f;
            }
          } else {
            m[i * cols + p] = rnd.nextDouble() < share ? 0f : dense[i * cols + p];
          }
        }
      }
    }

    double zeroShare(boolean inDy) {
      float[] m = inDy ? dy : x;
      int zeros = 0;
      for (float v : m) {
        zeros += v == 0f ? 1 : 0;
      }
      return (double) zeros / m.length;
    }
  }

  /** The product's ways, in the order of the report's columns; null where one does not apply. */
  static List<Way> ways(String product, Factors f, List<BLAS> blases) {
    Gemm gemm = Gemm.get();
    int in = f.in;
    List<Way> ways = new ArrayList<>();
    boolean zeros = f.zeroShare(product.startsWith("input")) > 0;
    switch (product) {
      case "forward x W" -> {
        ways.add(() -> gemm.multiply(f.x, 0, f.w, 0, f.y, 0, BATCH, in, OUT, false));
        ways.add(zeros ? () -> {
          gemm.markAndCount(f.marks, f.x, 0, in, 1, BATCH, in, OUT);
          gemm.multiply(f.marks, f.w, 0, f.y, 0, OUT, false);
        } : null);
        for (BLAS b : blases) {
          ways.add(() -> Blas.multiply(b, false, false, BATCH, OUT, in, f.x, 0, in, f.w, 0, OUT, f.y, 0, OUT, false));
        }
      }
      case "input gradient dy W^T" -> {
        ways.add(() -> { // as LayerProducts runs it: W^T copied, then a plain product
          Gemm.transpose(f.w, 0, in, OUT, f.wT);
          gemm.multiply(f.dy, 0, f.wT, 0, f.dx, 0, BATCH, OUT, in, false);
        });
        ways.add(zeros ? () -> {
          gemm.markAndCount(f.marks, f.dy, 0, OUT, 1, BATCH, OUT, in);
          gemm.multiply(f.marks, f.w, 0, 1, OUT, f.dx, 0, in, false);
        } : null);
        for (BLAS b : blases) {
          ways.add(() -> Blas.multiply(b, false, true, BATCH, in, OUT, f.dy, 0, OUT, f.w, 0, OUT, f.dx, 0, in, false));
        }
      }
      default -> {
        ways.add(() -> gemm.multiplyTransposedA(f.x, 0, f.dy, 0, f.dw, 0, in, BATCH, OUT, true));
        ways.add(zeros ? () -> {
          gemm.markAndCount(f.marks, f.x, 0, 1, in, in, BATCH, OUT);
          gemm.multiply(f.marks, f.dy, 0, f.dw, 0, OUT, true);
        } : null);
        for (BLAS b : blases) {
          ways.add(() -> Blas.multiply(b, true, false, in, OUT, BATCH, f.x, 0, in, f.dy, 0, OUT, f.dw, 0, OUT, true));
        }
      }
    }
    return ways;
  }

  /** GFLOP/s of each way (NaN where it does not apply): warmed up, then round-robin, median of the rounds. */
  static double[] time(List<Way> ways, int rounds, double flop) {
    int calls = 4;
    double[][] seconds = new double[ways.size()][rounds];
    for (Way way : ways) {
      for (int i = 0; way != null && i < 30; i++) {
        way.run();
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < ways.size(); i++) {
        if (ways.get(i) == null) {
          continue;
        }
        long start = System.nanoTime();
        for (int c = 0; c < calls; c++) {
          ways.get(i).run();
        }
        seconds[i][r] = (System.nanoTime() - start) / 1e9 / calls;
      }
    }
    double[] gflops = new double[ways.size()];
    for (int i = 0; i < ways.size(); i++) {
      gflops[i] = ways.get(i) == null ? Double.NaN : flop / TrainingThroughput.median(seconds[i]) / 1e9;
    }
    return gflops;
  }

  /**
   * The share of zeros from which way 1 (skipping) is at least as fast as way {@code d}, linear between the shares
   * measured; "never" when it is not even at the largest.
   */
  static String crossover(List<Double> shares, List<double[]> rates, int d) {
    for (int s = 0; s < shares.size(); s++) {
      double lead = rates.get(s)[1] - rates.get(s)[d]; // NaN where skipping had no zeros to skip
      if (lead >= 0) {
        if (s == 0 || Double.isNaN(rates.get(s - 1)[1])) {
          return String.format(Locale.ROOT, "%.0f%% or less", 100 * shares.get(s));
        }
        double before = rates.get(s - 1)[1] - rates.get(s - 1)[d];
        double at = shares.get(s - 1) + (shares.get(s) - shares.get(s - 1)) * (-before) / (lead - before);
        return String.format(Locale.ROOT, "%.0f%% zeros", 100 * at);
      }
    }
    return "never (up to " + Math.round(100 * shares.get(shares.size() - 1)) + "%)";
  }

  /** netlib's native BLAS when the JVM finds one, else null. */
  static BLAS nativeBlas() {
    try {
      return NativeBLAS.getInstance();
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** The float FMA peak of one core in GFLOP/s: the best of a few runs of PeakBenchmarks' loop. */
  static double fmaPeak() {
    double best = 0;
    double flop = 2.0 * 8 * PeakBenchmarks.ITERATIONS * PeakBenchmarks.lanes();
    for (int r = 0; r < 200; r++) {
      long start = System.nanoTime();
      PeakBenchmarks.fmaLoop();
      best = Math.max(best, flop / (System.nanoTime() - start));
    }
    return best;
  }

  static float[] gaussian(SplittableRandom rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }
}

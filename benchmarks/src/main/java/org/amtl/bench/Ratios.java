package org.amtl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads JMH's JSON results and prints the ratios docs/performance.md reports: the dense kernels against the
 * measured FMA peak and against SGEMM, and the AMTL layer against the FBE layer. Usage: {@code Ratios jmh.json}.
 */
public final class Ratios {
  private Ratios() {}

  public static void main(String[] args) throws Exception {
    Map<String, Double> us = new HashMap<>(); // benchmark method -> microseconds per call (per thread)
    for (JsonNode b : new ObjectMapper().readTree(new File(args[0]))) {
      String name = b.get("benchmark").asText();
      us.put(name.substring(name.lastIndexOf('.') + 1), b.get("primaryMetric").get("score").asDouble());
    }
    double lanes = PeakBenchmarks.lanes();
    double fmaFlop = 2.0 * 8 * PeakBenchmarks.ITERATIONS * lanes;
    double peak1 = gflops(fmaFlop, us.get("fmaPeakOneThread"));
    double peak2 = 2 * gflops(fmaFlop, us.get("fmaPeakTwoThreads"));
    double gemmFlop = 2.0 * PeakBenchmarks.M * PeakBenchmarks.K * PeakBenchmarks.N;
    double denseFwd = gflops(gemmFlop, us.get("denseForward"));
    double denseFwdBwd = gflops(3 * gemmFlop, us.get("denseForwardBackward"));
    double javaBlas = gflops(gemmFlop, us.get("sgemmJavaBlas"));
    double bestBlas = gflops(gemmFlop, us.get("sgemmBestBlas"));
    System.out.printf(Locale.ROOT, "BLAS picked: %s; float lanes %d%n", PeakBenchmarks.blasNames(), (int) lanes);
    System.out.printf(Locale.ROOT, "FMA peak: %.1f GFLOP/s on 1 thread, %.1f on 2%n", peak1, peak2);
    System.out.printf(Locale.ROOT, "SGEMM 512x416x400: Java BLAS %.1f GFLOP/s (%.0f%% of 1-thread peak), first-choice "
        + "BLAS %.1f (%.0f%%)%n", javaBlas, 100 * javaBlas / peak1, bestBlas, 100 * bestBlas / peak1);
    System.out.printf(Locale.ROOT, "dense layer 416->400, batch 512: forward %.1f GFLOP/s (%.0f%% of peak, %.2fx Java "
        + "BLAS), forward+backward %.1f GFLOP/s (%.0f%% of peak)%n", denseFwd, 100 * denseFwd / peak1,
        denseFwd / javaBlas, denseFwdBwd, 100 * denseFwdBwd / peak1);
    System.out.printf(Locale.ROOT, "one field, batch 512: AMTL layer (gather, mask, scatter) %.1f us, FBE %.1f us: "
        + "%.2fx; Adagrad row update %.1f us%n", us.get("amtlGatherMaskScatter"), us.get("fbeGatherScatter"),
        us.get("amtlGatherMaskScatter") / us.get("fbeGatherScatter"),
        us.get("adagradRowUpdate") - us.get("fbeGatherScatter"));
    System.out.printf(Locale.ROOT, "ReLU forward + backward of a 512 x 400 layer: %.1f us branch-free, %.1f us "
        + "written with branches: %.1fx faster%n", us.get("reluForwardBackward"), us.get("reluWithBranches"),
        us.get("reluWithBranches") / us.get("reluForwardBackward"));
    System.out.printf(Locale.ROOT, "dense weight gradient x^T dy 416x512x400: %.1f GFLOP/s (%.0f%% of peak); output "
        + "layer 400->1 forward + backward: %.1f us%n", gflops(gemmFlop, us.get("denseWeightGradient")),
        100 * gflops(gemmFlop, us.get("denseWeightGradient")) / peak1, us.get("outputLayerForwardBackward"));
    double hiddenFlop = 3 * 2.0 * KernelBenchmarks.BATCH * KernelBenchmarks.OUT * KernelBenchmarks.OUT;
    System.out.printf(Locale.ROOT, "hidden layer 400->400 forward + backward, batch 512: dense %.0f us (%.1f GFLOP/s); "
        + "with %.0f%% zeros in its input and gradient, skipping them %.0f us: %.2fx faster (%.1f GFLOP/s as dense "
        + "work, %.0f%% of peak)%n", us.get("hiddenLayerDense"), gflops(hiddenFlop, us.get("hiddenLayerDense")),
        100 * KernelBenchmarks.HIDDEN_ZEROS, us.get("hiddenLayerSkippingZeros"),
        us.get("hiddenLayerDense") / us.get("hiddenLayerSkippingZeros"),
        gflops(hiddenFlop, us.get("hiddenLayerSkippingZeros")),
        100 * gflops(hiddenFlop, us.get("hiddenLayerSkippingZeros")) / peak1);
    System.out.printf(Locale.ROOT, "softmax of 275 x 16 (one field's AMTL mask): %.1f us with FloatExp (vectorised), "
        + "%.1f us with Math.exp: %.1fx faster%n", us.get("softmaxFloatExp"), us.get("softmaxMathExp"),
        us.get("softmaxMathExp") / us.get("softmaxFloatExp"));
  }

  static double gflops(double flop, double microseconds) {
    return flop / (microseconds * 1e3);
  }
}

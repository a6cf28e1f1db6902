package org.amtl.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's limits, to put the kernels in proportion: the float FMA peak of one core and of two (a Vector API
 * loop of independent fused multiply-adds that never touches memory), and SGEMM at the reference model's layer
 * shape (512 x 416 times 416 x 400) through netlib: the best pure-Java BLAS (VectorBLAS with the incubator module)
 * and, when the machine has a native BLAS (e.g. OpenBLAS), that one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class PeakBenchmarks {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  /** FMAs per call: 8 accumulators x ITERATIONS, each lanes wide. */
  static final int ITERATIONS = 100_000;
  static final int M = 512;
  static final int K = 416;
  static final int N = 400;

  float[] a;
  float[] b;
  float[] c;
  BLAS javaBlas;
  BLAS anyBlas;

  @Setup
  public void setUp() {
    SplittableRandom rnd = new SplittableRandom(5);
    a = new float[M * K];
    b = new float[K * N];
    c = new float[M * N];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rnd.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) rnd.nextGaussian();
    }
    javaBlas = JavaBLAS.getInstance();
    anyBlas = BLAS.getInstance();
  }

  /** Lanes of the preferred float vector (8 with AVX2). */
  public static int lanes() {
    return SPECIES.length();
  }

  /** 2 * 8 * ITERATIONS * lanes FLOP, no memory traffic: the FMA peak of one core. */
  @Benchmark
  public float fmaPeakOneThread() {
    return fmaLoop();
  }

  /** The same on two threads at once (JMH reports the time per call per thread). */
  @Benchmark
  @Threads(2)
  public float fmaPeakTwoThreads() {
    return fmaLoop();
  }

  static float fmaLoop() {
    FloatVector m = FloatVector.broadcast(SPECIES, 0.999999f);
    FloatVector s = FloatVector.broadcast(SPECIES, 1e-6f);
    FloatVector v0 = FloatVector.broadcast(SPECIES, 1f);
    FloatVector v1 = FloatVector.broadcast(SPECIES, 2f);
    FloatVector v2 = FloatVector.broadcast(SPECIES, 3f);
    FloatVector v3 = FloatVector.broadcast(SPECIES, 4f);
    FloatVector v4 = FloatVector.broadcast(SPECIES, 5f);
    FloatVector v5 = FloatVector.broadcast(SPECIES, 6f);
    FloatVector v6 = FloatVector.broadcast(SPECIES, 7f);
    FloatVector v7 = FloatVector.broadcast(SPECIES, 8f);
    for (int i = 0; i < ITERATIONS; i++) {
      v0 = v0.fma(m, s);
      v1 = v1.fma(m, s);
      v2 = v2.fma(m, s);
      v3 = v3.fma(m, s);
      v4 = v4.fma(m, s);
      v5 = v5.fma(m, s);
      v6 = v6.fma(m, s);
      v7 = v7.fma(m, s);
    }
    return v0.add(v1).add(v2).add(v3).add(v4).add(v5).add(v6).add(v7).reduceLanes(
        jdk.incubator.vector.VectorOperators.ADD);
  }

  /** C = A B, row-major, through the best pure-Java netlib BLAS: 2 M K N = 170 MFLOP. */
  @Benchmark
  public float[] sgemmJavaBlas() {
    return sgemm(javaBlas);
  }

  /** The same through netlib's first choice: a native BLAS when one loads, else the Java one. */
  @Benchmark
  public float[] sgemmBestBlas() {
    return sgemm(anyBlas);
  }

  private float[] sgemm(BLAS blas) {
    // row-major C (M x N) = A (M x K) B (K x N) is column-major C^T = B^T A^T
    blas.sgemm("N", "N", N, M, K, 1f, b, N, a, K, 0f, c, N);
    return c;
  }

  /** Which netlib implementations were picked, for the report. */
  public static String blasNames() {
    return "java: " + JavaBLAS.getInstance().getClass().getSimpleName() + ", first choice: "
        + BLAS.getInstance().getClass().getSimpleName();
  }
}

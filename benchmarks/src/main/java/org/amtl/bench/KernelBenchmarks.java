package org.amtl.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.FrequencyFeatures;
import org.amtl.core.layers.AmtlEmbedding;
import org.amtl.core.layers.AmtlMask;
import org.amtl.core.layers.Dense;
import org.amtl.core.layers.DenseParams;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.layers.FixedEmbedding;
import org.amtl.core.kernels.Gemm;
import org.amtl.core.layers.Relu;
import org.amtl.core.kernels.Softmax;
import org.amtl.core.optim.Adagrad;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The layers' kernels at the shapes of the reference model (batch 512, 26 fields x 100,000 values, d = 16,
 * MLP 416-400-400-400-1): one dense layer 416 -> 400 forward and backward and its weight gradient alone, the
 * 400 -> 1 output layer, one field's embedding gather and scatter (FBE and AMTL, mask included), the mask's softmax
 * with our exponential and with Math.exp, ReLU, and the Adagrad update of a batch's rows.
 * Times are per call; each benchmark states its floating-point work so GFLOP/s can be derived.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class KernelBenchmarks {
  static final int BATCH = 512;
  static final int IN = 416;
  static final int OUT = 400;
  static final int VALUES = 100_000;
  static final int D = 16;
  static final int SOFTMAX_ROWS = 275;
  /** About the share of zeros ReLU leaves in the reference model's hidden layers (TrainingThroughput prints it). */
  static final double HIDDEN_ZEROS = 0.6;

  Dense dense;
  float[] x;
  float[] dy;
  int[] offsets;
  int[] ids;
  FixedEmbedding fbe;
  AmtlEmbedding amtl;
  EmbeddingTable fbeTable;
  float[] fieldOut;
  float[] fieldGrad;
  Adagrad adagrad;
  Relu relu;
  float[] hidden;
  float[] hiddenGrad;
  float[] reluOut;
  float[] reluGrad;
  Dense outputLayer;
  Dense hiddenLayer;
  float[] reluInput; // a hidden layer's input and output gradient as ReLU leaves them: 60% zeros
  float[] reluGradient;
  float[] denseInput; // the same non-zeros with the zeros filled in
  float[] denseGradient;
  float[] weightGrad = new float[IN * OUT];
  float[] logits;
  float[] probs;

  @Setup
  public void setUp() {
    SplittableRandom rnd = new SplittableRandom(7);
    dense = new Dense(new DenseParams(1), "bench", IN, OUT);
    x = new float[BATCH * IN];
    dy = new float[BATCH * OUT];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    for (int i = 0; i < dy.length; i++) {
      dy[i] = (float) rnd.nextGaussian() * 1e-3f;
    }
    FieldVocabulary vocab = zipfVocabulary(rnd);
    offsets = new int[BATCH + 1];
    ids = new int[BATCH];
    for (int b = 0; b < BATCH; b++) {
      offsets[b + 1] = b + 1;
      ids[b] = zipfRow(rnd);
    }
    fbeTable = new EmbeddingTable("fbe", vocab.rows(), D, 0.05, 3);
    fbe = new FixedEmbedding(fbeTable);
    FrequencyFeatures ff = FrequencyFeatures.of(vocab, 24);
    amtl = new AmtlEmbedding(new EmbeddingTable("amtl", vocab.rows(), D, 0.05, 3),
        new AmtlMask(new DenseParams(2), "bench", ff, D, AmtlMask.Settings.paper(32, 1.0)));
    fieldOut = new float[BATCH * D];
    fieldGrad = new float[BATCH * D];
    for (int i = 0; i < fieldGrad.length; i++) {
      fieldGrad[i] = (float) rnd.nextGaussian() * 1e-3f;
    }
    adagrad = new Adagrad(0.05, 1e-8, 0);
    relu = new Relu();
    hidden = new float[BATCH * OUT];
    hiddenGrad = new float[BATCH * OUT];
    reluOut = new float[BATCH * OUT];
    reluGrad = new float[BATCH * OUT];
    for (int i = 0; i < hidden.length; i++) {
      hidden[i] = (float) rnd.nextGaussian();
      hiddenGrad[i] = (float) rnd.nextGaussian();
    }
    outputLayer = new Dense(new DenseParams(3), "out", OUT, 1);
    hiddenLayer = new Dense(new DenseParams(4), "hidden", OUT, OUT);
    reluInput = new float[BATCH * OUT];
    reluGradient = new float[BATCH * OUT];
    denseInput = new float[BATCH * OUT];
    denseGradient = new float[BATCH * OUT];
    for (int i = 0; i < reluInput.length; i++) {
      denseInput[i] = (float) Math.abs(rnd.nextGaussian());
      denseGradient[i] = (float) rnd.nextGaussian() * 1e-3f;
      reluInput[i] = rnd.nextDouble() < HIDDEN_ZEROS ? 0f : denseInput[i];
      reluGradient[i] = rnd.nextDouble() < HIDDEN_ZEROS ? 0f : denseGradient[i];
    }
    logits = new float[SOFTMAX_ROWS * D];
    probs = new float[SOFTMAX_ROWS * D];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) rnd.nextGaussian();
    }
  }

  /** Zipf(1.1) counts over VALUES values, as the synthetic logs draw them. */
  static FieldVocabulary zipfVocabulary(SplittableRandom rnd) {
    Map<String, Long> counts = new HashMap<>();
    for (int r = 1; r <= VALUES; r++) {
      counts.put("v" + r, Math.max(1L, Math.round(1e7 * Math.pow(r, -1.1))));
    }
    return FieldVocabulary.fromCounts("f", counts, 1);
  }

  /** A row id drawn roughly like Zipf: most lookups hit the first rows. */
  static int zipfRow(SplittableRandom rnd) {
    return 1 + (int) Math.min(VALUES - 1, Math.floor(Math.pow(VALUES, rnd.nextDouble()) - 1));
  }

  /** 2 * 512 * 416 * 400 = 170 MFLOP. */
  @Benchmark
  public float[] denseForward() {
    return dense.forward(x, BATCH);
  }

  /** Forward then backward with the input gradient: 3 x 170 MFLOP. */
  @Benchmark
  public float[] denseForwardBackward() {
    dense.forward(x, BATCH);
    return dense.backward(dy, true);
  }

  @Benchmark
  public float[] fbeGatherScatter() {
    fbeTable.zeroGrad();
    fbe.forward(offsets, ids, BATCH, fieldOut, 0, D, true);
    fbe.backward(fieldGrad, 0, D);
    return fieldOut;
  }

  /** The AMTL layer of one field: gather, mask (both AMLs) forward and backward, scatter. */
  @Benchmark
  public float[] amtlGatherMaskScatter() {
    amtl.tables().get(0).zeroGrad();
    amtl.forward(offsets, ids, BATCH, fieldOut, 0, D, true);
    amtl.backward(fieldGrad, 0, D);
    return fieldOut;
  }

  /** ReLU forward and backward on a 512 x 400 hidden layer (signs as good as random). */
  @Benchmark
  public float[] reluForwardBackward() {
    relu.forward(hidden, hidden.length);
    return relu.backward(hiddenGrad);
  }

  /** The same, written as its definition with branches: the reference the branch-free kernel replaced. */
  @Benchmark
  public float[] reluWithBranches() {
    for (int i = 0; i < hidden.length; i++) {
      reluOut[i] = hidden[i] > 0f ? hidden[i] : 0f;
    }
    for (int i = 0; i < hidden.length; i++) {
      reluGrad[i] = reluOut[i] > 0f ? hiddenGrad[i] : 0f;
    }
    return reluGrad;
  }

  /** The weight gradient of the dense layer alone, x^T dy: 170 MFLOP. */
  @Benchmark
  public float[] denseWeightGradient() {
    Gemm.get().multiplyTransposedA(x, 0, dy, 0, weightGrad, 0, IN, BATCH, OUT, false);
    return weightGrad;
  }

  /** The model's 400 -> 1 output layer, forward and backward: 3 x 0.4 MFLOP in columns narrower than a vector. */
  @Benchmark
  public float[] outputLayerForwardBackward() {
    outputLayer.forward(hidden, BATCH);
    return outputLayer.backward(fieldGrad, true);
  }

  /**
   * A 400 -> 400 hidden layer forward and backward on what ReLU leaves (60% zeros in its input and in its output's
   * gradient): its products skip them. 3 x 128 MFLOP as a dense layer would count them.
   */
  @Benchmark
  public float[] hiddenLayerSkippingZeros() {
    hiddenLayer.forward(reluInput, BATCH);
    return hiddenLayer.backward(reluGradient, true);
  }

  /** The same layer on the same values without zeros: dense products. */
  @Benchmark
  public float[] hiddenLayerDense() {
    hiddenLayer.forward(denseInput, BATCH);
    return hiddenLayer.backward(denseGradient, true);
  }

  /** The AMTL mask's softmax over one field's unique values of a batch (about 275 x d). */
  @Benchmark
  public float[] softmaxFloatExp() {
    Softmax.get().rows(logits, SOFTMAX_ROWS, D, 1f, probs);
    return probs;
  }

  /** The same softmax with Math.exp, as it was written before FloatExp (the kernel it replaced). */
  @Benchmark
  public float[] softmaxMathExp() {
    for (int r = 0; r < SOFTMAX_ROWS; r++) {
      int off = r * D;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < D; j++) {
        max = Math.max(max, logits[off + j]);
      }
      float sum = 0f;
      for (int j = 0; j < D; j++) {
        float e = (float) Math.exp(logits[off + j] - max);
        probs[off + j] = e;
        sum += e;
      }
      for (int j = 0; j < D; j++) {
        probs[off + j] /= sum;
      }
    }
    return probs;
  }

  /** Adagrad on the rows one FBE field's batch touched. */
  @Benchmark
  public float[] adagradRowUpdate() {
    fbeTable.zeroGrad();
    fbe.forward(offsets, ids, BATCH, fieldOut, 0, D, true);
    fbe.backward(fieldGrad, 0, D);
    adagrad.step(fbeTable);
    return fbeTable.values();
  }
}

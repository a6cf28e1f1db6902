package org.amtl.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.amtl.core.data.Example;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.util.IntSlotMap;

/**
 * The same reference model as {@link TrainingThroughput}, trained by libtorch through DJL: the peer our speed is
 * measured against. Dense parameters (MLP 416-400-400-400-1, ReLU, logistic loss) live in libtorch and take Adam
 * steps there; embedding rows live in Java arrays and train sparsely, as a fair peer must (DJL's stock embedding
 * updates the whole table every step): each batch gathers its unique rows into a leaf tensor, libtorch computes
 * their gradient, and a row-sparse Adam updates just those rows. Threads come from
 * {@code -Dai.djl.pytorch.num_threads} (and OMP_NUM_THREADS); run it once per thread count. Prints samples/s per
 * window and the median. Usage: {@code LibtorchPeer [windows] [batchesPerWindow]}.
 */
public final class LibtorchPeer {
  static final int D = 16;
  static final int[] WIDTHS = {TrainingThroughput.FIELDS * D, 400, 400, 400, 1};
  static final float LR = 0.001f;
  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPS = 1e-8f;

  private final NDManager manager = NDManager.newBaseManager();
  private final List<NDArray> params = new ArrayList<>();
  private final List<NDArray[]> adam = new ArrayList<>();
  private final float[] rows; // all fields' rows, field-major: (FIELDS * (VALUES + 1)) x D
  private final float[] rowM;
  private final float[] rowV;
  private final int rowsPerField;
  private long step;

  LibtorchPeer(int rowsPerField) {
    this.rowsPerField = rowsPerField;
    Engine.getInstance().setRandomSeed(3);
    for (int l = 0; l + 1 < WIDTHS.length; l++) {
      float s = (float) Math.sqrt(6.0 / (WIDTHS[l] + WIDTHS[l + 1]));
      params.add(manager.randomUniform(-s, s, new Shape(WIDTHS[l], WIDTHS[l + 1])));
      params.add(manager.zeros(new Shape(1, WIDTHS[l + 1])));
    }
    for (NDArray p : params) {
      p.setRequiresGradient(true);
      adam.add(new NDArray[] {manager.zeros(p.getShape()), manager.zeros(p.getShape())});
    }
    int n = TrainingThroughput.FIELDS * rowsPerField * D;
    rows = new float[n];
    rowM = new float[n];
    rowV = new float[n];
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(4);
    for (int i = 0; i < n; i++) {
      rows[i] = (float) ((rnd.nextDouble() * 2 - 1) * 0.05);
    }
  }

  /** One step on a batch; returns the mean loss. */
  float trainStep(List<Example> batch) {
    int b = batch.size();
    int fields = TrainingThroughput.FIELDS;
    IntSlotMap unique = new IntSlotMap(b * fields);
    int[] slot = new int[b * fields];
    float[] labels = new float[b];
    for (int i = 0; i < b; i++) {
      Example e = batch.get(i);
      labels[i] = e.label();
      for (int f = 0; f < fields; f++) {
        slot[i * fields + f] = unique.slotOf(f * rowsPerField + e.ids()[f][0]);
      }
    }
    int u = unique.size();
    float[] gathered = new float[u * D];
    for (int s = 0; s < u; s++) {
      System.arraycopy(rows, unique.keyAt(s) * D, gathered, s * D, D);
    }
    step++;
    try (NDScope scope = new NDScope()) {
      NDArray leaf = manager.create(gathered, new Shape(u, D));
      leaf.setRequiresGradient(true);
      NDArray index = manager.create(slot);
      NDArray y = manager.create(labels, new Shape(b, 1));
      float loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.zeroGradients();
        NDArray h = leaf.get(new NDIndex("{}", index)).reshape(b, fields * D);
        for (int l = 0; l < params.size(); l += 2) {
          h = h.matMul(params.get(l)).add(params.get(l + 1));
          if (l + 2 < params.size()) {
            h = Activation.relu(h);
          }
        }
        // logistic loss, stable: max(z, 0) - z y + log(1 + exp(-|z|))
        NDArray lossArray = h.maximum(0f).sub(h.mul(y)).add(h.abs().neg().exp().add(1f).log()).mean();
        gc.backward(lossArray);
        loss = lossArray.getFloat();
      }
      denseAdam();
      rowAdam(unique, leaf.getGradient().toFloatArray());
      return loss;
    }
  }

  private void denseAdam() {
    float c1 = (float) (1 - Math.pow(BETA1, step));
    float c2 = (float) (1 - Math.pow(BETA2, step));
    for (int i = 0; i < params.size(); i++) {
      NDArray w = params.get(i);
      NDArray g = w.getGradient();
      NDArray m = adam.get(i)[0];
      NDArray v = adam.get(i)[1];
      m.muli(BETA1).addi(g.mul(1 - BETA1));
      v.muli(BETA2).addi(g.square().muli(1 - BETA2));
      w.subi(m.mul(LR / c1).divi(v.div(c2).sqrt().addi(EPS)));
    }
  }

  private void rowAdam(IntSlotMap unique, float[] grad) {
    float c1 = (float) (1 - Math.pow(BETA1, step));
    float c2 = (float) (1 - Math.pow(BETA2, step));
    for (int s = 0; s < unique.size(); s++) {
      int r = unique.keyAt(s) * D;
      for (int j = 0; j < D; j++) {
        float g = grad[s * D + j];
        rowM[r + j] = BETA1 * rowM[r + j] + (1 - BETA1) * g;
        rowV[r + j] = BETA2 * rowV[r + j] + (1 - BETA2) * g * g;
        rows[r + j] -= LR / c1 * rowM[r + j] / ((float) Math.sqrt(rowV[r + j] / c2) + EPS);
      }
    }
  }

  public static void main(String[] args) {
    int windows = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int batches = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int batch = TrainingThroughput.BATCH;
    Vocabulary vocab = TrainingThroughput.fullVocabulary();
    SyntheticClickLog log = new SyntheticClickLog(TrainingThroughput.FIELDS, TrainingThroughput.VALUES, 1.1, 16,
        3.0, 11);
    List<Example> data = SyntheticClickLog.encode(log.generate((windows + 1) * batches * batch, 12, "bench"), vocab);
    LibtorchPeer peer = new LibtorchPeer(vocab.field(0).rows());
    double[] rates = new double[windows];
    for (int w = -1; w < windows; w++) { // window -1 warms up
      int from = (w + 1) * batches * batch;
      long start = System.nanoTime();
      float loss = 0;
      for (int s = 0; s < batches; s++) {
        loss = peer.trainStep(data.subList(from + s * batch, from + (s + 1) * batch));
      }
      double rate = (double) batches * batch / ((System.nanoTime() - start) / 1e9);
      if (w >= 0) {
        rates[w] = rate;
      }
      System.out.printf(Locale.ROOT, "libtorch window %d: %.0f samples/s, loss %.4f%n", w, rate, loss);
    }
    System.out.printf(Locale.ROOT, "libtorch %s threads: %.0f samples/s (median of %s)%n",
        System.getProperty("ai.djl.pytorch.num_threads", "default"), TrainingThroughput.median(rates),
        Arrays.toString(Arrays.stream(rates).mapToLong(Math::round).toArray()));
  }
}

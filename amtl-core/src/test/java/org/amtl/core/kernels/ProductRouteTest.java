package org.amtl.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A layer's three products through netlib (train.kernels=blas, and auto) against our kernels: equal within a float
 * tolerance that a wrong product cannot meet, on the reference model's first layer (no zeros), a hidden layer behind
 * a ReLU (more than half zeros) and a narrow one (left dense by our kernel).
 */
class ProductRouteTest {
  /** The three products of one layer: y = bias + x W, dx = dy W^T, dW = x^T dy. */
  record Products(float[] y, float[] dx, float[] dw) {}

  static Products run(ProductRoute route, float[] x, float[] w, float[] dy, float[] bias, int batch, int in, int out) {
    LayerProducts p = new LayerProducts(new SparseRows(), route);
    float[] y = new float[batch * out];
    for (int i = 0; i < batch; i++) {
      System.arraycopy(bias, 0, y, i * out, out);
    }
    float[] padded = new float[3 + in * out]; // the weights at an offset, as a model's flat block holds them
    System.arraycopy(w, 0, padded, 3, w.length);
    p.forward(x, padded, 3, y, batch, in, out);
    float[] dx = new float[batch * in];
    p.inputGradient(dy, padded, 3, dx, batch, in, out);
    float[] dw = new float[3 + in * out];
    p.weightGradient(x, dy, dw, 3, batch, in, out);
    return new Products(y, dx, java.util.Arrays.copyOfRange(dw, 3, dw.length));
  }

  static float[] random(SplittableRandom r, int n, double zeroShare) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextDouble() < zeroShare ? 0f : (float) (r.nextDouble() * 2 - 1);
    }
    return v;
  }

  /** The largest difference over the largest magnitude of the expected values. */
  static double relativeError(float[] expected, float[] actual) {
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < expected.length; i++) {
      diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return diff / scale;
  }

  /** Float sums of up to a few hundred terms in another order: a few ulps of the largest value, far below this. */
  static final double TOLERANCE = 1e-5;

  @Test
  void netlibAgreesWithOurKernelsWithinATightToleranceThatAWrongProductMisses() {
    int[][] shapes = {{64, 416, 400, 0}, {64, 400, 400, 60}, {64, 400, 32, 0}}; // batch, in, out, % zeros in x and dy
    for (int[] s : shapes) {
      int batch = s[0];
      int in = s[1];
      int out = s[2];
      SplittableRandom r = new SplittableRandom(in * 31L + out);
      float[] x = random(r, batch * in, s[3] / 100.0);
      float[] w = random(r, in * out, 0);
      float[] dy = random(r, batch * out, s[3] / 100.0);
      float[] bias = random(r, out, 0);
      Products ours = run(ProductRoute.OURS, x, w, dy, bias, batch, in, out);
      String shape = batch + " x " + in + " -> " + out + ", " + s[3] + "% zeros";
      for (ProductRoute route : new ProductRoute[] {ProductRoute.BLAS, ProductRoute.AUTO}) {
        Products other = run(route, x, w, dy, bias, batch, in, out);
        assertTrue(relativeError(ours.y(), other.y()) < TOLERANCE, route + " forward, " + shape);
        assertTrue(relativeError(ours.dx(), other.dx()) < TOLERANCE, route + " input gradient, " + shape);
        assertTrue(relativeError(ours.dw(), other.dw()) < TOLERANCE, route + " weight gradient, " + shape);
      }
      // a product one term short (the last input's row of W dropped) misses the tolerance by far
      float[] shortW = w.clone();
      java.util.Arrays.fill(shortW, (in - 1) * out, in * out, 0f);
      Products wrong = run(ProductRoute.BLAS, x, shortW, dy, bias, batch, in, out);
      assertTrue(relativeError(ours.y(), wrong.y()) > 100 * TOLERANCE, "a wrong forward, " + shape);
      assertTrue(relativeError(ours.dx(), wrong.dx()) > 100 * TOLERANCE, "a wrong input gradient, " + shape);
    }
  }

  /** A whole model (AMTL under DNN) trained an epoch through netlib: the same loss and AUC as ours, to a hair. */
  @Test
  void aModelTrainedThroughNetlibLearnsWhatOursLearns() {
    org.amtl.core.data.SyntheticClickLog log = new org.amtl.core.data.SyntheticClickLog(6, 500, 1.1, 8, 3.0, 7);
    java.util.List<org.amtl.core.data.SyntheticClickLog.Row> rows = log.generate(6_000, 7, "train");
    org.amtl.core.data.Vocabulary vocab = org.amtl.core.data.SyntheticClickLog.vocabulary(rows, log.fields(), 1);
    java.util.List<org.amtl.core.data.Example> train = org.amtl.core.data.SyntheticClickLog.encode(rows, vocab);
    java.util.List<org.amtl.core.data.Example> test = org.amtl.core.data.SyntheticClickLog.encode(
        log.generate(2_000, 7, "test"), vocab);
    double[][] lossAndAuc = new double[2][];
    ProductRoute[] routes = {ProductRoute.OURS, ProductRoute.BLAS};
    for (int i = 0; i < routes.length; i++) {
      org.amtl.core.config.AmtlConfig config = org.amtl.core.config.AmtlConfig.defaults()
          .with(org.amtl.core.config.Keys.DIM, 8).with(org.amtl.core.config.Keys.KERNELS, routes[i]);
      org.amtl.core.model.CtrModel model = new org.amtl.core.model.CtrModel(config, vocab);
      org.amtl.core.train.LocalTrainer trainer = new org.amtl.core.train.LocalTrainer(model, 256);
      double loss = trainer.fit(train, 1, 7, null).meanLoss();
      double auc = trainer.evaluate(test.iterator(), 4).summary().auc();
      lossAndAuc[i] = new double[] {loss, auc};
    }
    System.out.printf(java.util.Locale.ROOT, "one epoch, ours: loss %.6f AUC %.6f; netlib %s: loss %.6f AUC %.6f%n",
        lossAndAuc[0][0], lossAndAuc[0][1], Blas.implementation(), lossAndAuc[1][0], lossAndAuc[1][1]);
    assertTrue(lossAndAuc[0][1] > 0.6, "the model learns: AUC " + lossAndAuc[0][1]);
    assertTrue(Math.abs(lossAndAuc[0][0] - lossAndAuc[1][0]) < 1e-3, "training loss through netlib");
    assertTrue(Math.abs(lossAndAuc[0][1] - lossAndAuc[1][1]) < 1e-3, "test AUC through netlib");
  }

  /** With no native BLAS, auto is our kernels: the same floats, bit for bit. */
  @Test
  void autoWithoutANativeBlasGivesOurFloats() {
    org.junit.jupiter.api.Assumptions.assumeFalse(Blas.isNative(), "a native BLAS is present: auto uses it");
    int batch = 64;
    int in = 400;
    int out = 400;
    SplittableRandom r = new SplittableRandom(5);
    float[] x = random(r, batch * in, 0.3);
    float[] w = random(r, in * out, 0);
    float[] dy = random(r, batch * out, 0.3);
    float[] bias = random(r, out, 0);
    Products ours = run(ProductRoute.OURS, x, w, dy, bias, batch, in, out);
    Products auto = run(ProductRoute.AUTO, x, w, dy, bias, batch, in, out);
    assertArrayEquals(ours.y(), auto.y());
    assertArrayEquals(ours.dx(), auto.dx());
    assertArrayEquals(ours.dw(), auto.dw());
    assertTrue(ProductRoute.AUTO.describe().contains("no native BLAS"), ProductRoute.AUTO.describe());
  }
}

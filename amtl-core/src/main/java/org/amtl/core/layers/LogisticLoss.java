package org.amtl.core.layers;

/**
 * Binary cross-entropy on logits, mean over the batch, in the stable form
 * loss(z, y) = max(z, 0) - z * y + log1p(exp(-|z|)); dloss/dz = sigmoid(z) - y.
 */
public final class LogisticLoss {
  private LogisticLoss() {}

  // logits: (B), labels: (B) -> mean loss
  public static double forward(float[] logits, float[] labels, int batch) {
    double sum = 0;
    for (int b = 0; b < batch; b++) {
      sum += pointLoss(logits[b], labels[b]);
    }
    return sum / batch;
  }

  // logits: (B), labels: (B) -> dlogits: (B) of the mean loss
  public static void backward(float[] logits, float[] labels, int batch, float[] dlogits) {
    for (int b = 0; b < batch; b++) {
      dlogits[b] = (sigmoid(logits[b]) - labels[b]) / batch;
    }
  }

  public static double pointLoss(double z, double y) {
    return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
  }

  public static float sigmoid(float z) {
    if (z >= 0) {
      return (float) (1.0 / (1.0 + Math.exp(-z)));
    }
    double e = Math.exp(z);
    return (float) (e / (1.0 + e));
  }
}

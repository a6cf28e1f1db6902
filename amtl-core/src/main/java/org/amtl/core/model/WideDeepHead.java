package org.amtl.core.model;

import java.util.List;
import org.amtl.core.data.Batch;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.layers.Mlp;

/** Wide&amp;Deep: logit = MLP(E) + sum_f w_f(x_f), the deep part and first-order (wide) weights. */
final class WideDeepHead implements Head {
  private final Mlp mlp;
  private final FirstOrderWeights wide;
  private float[] logits = new float[0];

  WideDeepHead(Mlp mlp, FirstOrderWeights wide) {
    this.mlp = mlp;
    this.wide = wide;
  }

  @Override
  public float[] forward(Batch batch, float[] embedded, boolean training) {
    int b = batch.size();
    if (logits.length < b) {
      logits = new float[b];
    }
    System.arraycopy(mlp.forward(embedded, b), 0, logits, 0, b);
    wide.addTo(logits, batch, training);
    return logits;
  }

  @Override
  public float[] backward(float[] dlogits) {
    float[] dEmbedded = mlp.backward(dlogits, true);
    wide.backward(dlogits);
    return dEmbedded;
  }

  @Override
  public Mlp mlp() {
    return mlp;
  }

  @Override
  public List<EmbeddingTable> tables() {
    return wide.tables();
  }
}

package org.amtl.core.model;

import java.util.List;
import org.amtl.core.data.Batch;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.layers.FmInteraction;
import org.amtl.core.layers.Mlp;

/**
 * DeepFM: logit = MLP(E) + sum_f w_f(x_f) + FM(E), the deep part, first-order weights and the factorization
 * machine's second-order term over the field vectors.
 */
final class DeepFmHead implements Head {
  private final Mlp mlp;
  private final FirstOrderWeights firstOrder;
  private final FmInteraction fm;
  private float[] logits = new float[0];

  DeepFmHead(Mlp mlp, FirstOrderWeights firstOrder, FmInteraction fm) {
    this.mlp = mlp;
    this.firstOrder = firstOrder;
    this.fm = fm;
  }

  @Override
  public float[] forward(Batch batch, float[] embedded, boolean training) {
    int b = batch.size();
    if (logits.length < b) {
      logits = new float[b];
    }
    System.arraycopy(mlp.forward(embedded, b), 0, logits, 0, b);
    firstOrder.addTo(logits, batch, training);
    float[] y = fm.forward(embedded, b);
    for (int i = 0; i < b; i++) {
      logits[i] += y[i];
    }
    return logits;
  }

  @Override
  public float[] backward(float[] dlogits) {
    float[] dEmbedded = mlp.backward(dlogits, true);
    fm.backward(dlogits, dEmbedded);
    firstOrder.backward(dlogits);
    return dEmbedded;
  }

  @Override
  public Mlp mlp() {
    return mlp;
  }

  @Override
  public List<EmbeddingTable> tables() {
    return firstOrder.tables();
  }
}

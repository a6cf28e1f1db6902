package org.amtl.core.model;

import java.util.List;
import org.amtl.core.data.Batch;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.layers.Mlp;

/** DNN: an MLP over the concatenated field vectors, logit = MLP(E). */
final class DnnHead implements Head {
  private final Mlp mlp;

  DnnHead(Mlp mlp) {
    this.mlp = mlp;
  }

  @Override
  public float[] forward(Batch batch, float[] embedded, boolean training) {
    return mlp.forward(embedded, batch.size());
  }

  @Override
  public float[] backward(float[] dlogits) {
    return mlp.backward(dlogits, true);
  }

  @Override
  public Mlp mlp() {
    return mlp;
  }

  @Override
  public List<EmbeddingTable> tables() {
    return List.of();
  }
}

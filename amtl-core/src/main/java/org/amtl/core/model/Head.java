package org.amtl.core.model;

import java.util.List;
import org.amtl.core.data.Batch;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.layers.Mlp;

/**
 * The CTR network on top of the field embeddings: from the embedded rows of a batch, (B, F*d) with field f's
 * vector at columns f*d..f*d+d-1, to one logit per example, and back. A head owns its parameters: the MLP's live in
 * the model's dense block; first-order weights, one per value, are embedding tables of width 1. One class per head;
 * {@link HeadType} builds them (docs/amtl-core.md, "Adding a head").
 */
public interface Head {
  /** The logits (the first B values) of a batch whose fields are embedded in {@code embedded}. */
  float[] forward(Batch batch, float[] embedded, boolean training);

  /** Adds every parameter's gradient for {@code dlogits}; returns the gradient of the embedded rows (B, F*d). */
  float[] backward(float[] dlogits);

  /** The MLP every head has (its layers, for tools that look inside). */
  Mlp mlp();

  /** The head's tables of per-value weights (first-order terms); empty when it has none. */
  List<EmbeddingTable> tables();
}

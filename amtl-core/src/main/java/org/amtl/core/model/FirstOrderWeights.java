package org.amtl.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.amtl.core.data.Batch;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.layers.FixedEmbedding;

/**
 * The first-order term of DeepFM and Wide&amp;Deep: one weight per value of each field (a table of width 1, zero at
 * the start, trained by the row optimizer), summed into the logit.
 */
final class FirstOrderWeights {
  private final int fields;
  private final List<FixedEmbedding> weights = new ArrayList<>();
  private float[] out = new float[0]; // (B, F)
  private int batch;

  FirstOrderWeights(Vocabulary vocabulary, long seed) {
    this.fields = vocabulary.numFields();
    for (int f = 0; f < fields; f++) {
      weights.add(new FixedEmbedding(new EmbeddingTable("field" + f + ".wide", vocabulary.field(f).rows(), 1, 0.0,
          seed, vocabulary.field(f).globalRows())));
    }
  }

  /** Adds each example's weights, field by field in order, to its logit. */
  void addTo(float[] logits, Batch batch, boolean training) {
    int b = batch.size();
    this.batch = b;
    if (out.length < b * fields) {
      out = new float[b * fields];
    }
    for (int f = 0; f < fields; f++) {
      weights.get(f).forward(batch.offsets(f), batch.ids(f), b, out, f, fields, training);
    }
    for (int i = 0; i < b; i++) {
      for (int f = 0; f < fields; f++) {
        logits[i] += out[i * fields + f];
      }
    }
  }

  /** Adds the weights' gradients: each weight a batch used gains its example's dlogit. */
  void backward(float[] dlogits) {
    for (int i = 0; i < batch; i++) {
      Arrays.fill(out, i * fields, (i + 1) * fields, dlogits[i]);
    }
    for (int f = 0; f < fields; f++) {
      weights.get(f).backward(out, f, fields);
    }
  }

  List<EmbeddingTable> tables() {
    List<EmbeddingTable> tables = new ArrayList<>();
    for (FixedEmbedding w : weights) {
      tables.addAll(w.tables());
    }
    return tables;
  }
}

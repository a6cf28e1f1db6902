package org.amtl.core.optim;

import org.amtl.core.layers.EmbeddingTable;

/**
 * Sparse Adagrad for embedding rows: for each row with a gradient in this step, acc += g^2 and
 * w -= lr * g / (sqrt(acc) + eps), with lazy L2 (g += l2 * w) on those rows only. Rows without a gradient do not
 * change. The accumulators live in the table beside the rows.
 */
public final class Adagrad {
  private final float lr;
  private final float epsilon;
  private final float l2;

  public Adagrad(double lr, double epsilon, double l2) {
    this.lr = (float) lr;
    this.epsilon = (float) epsilon;
    this.l2 = (float) l2;
  }

  public void step(EmbeddingTable table) {
    float[] w = table.values();
    float[] acc = table.accumulators();
    float[] g = table.gradBuffer();
    int width = table.width();
    AdagradRows rows = AdagradRows.get();
    for (int slot = 0; slot < table.gradRows(); slot++) {
      int id = table.gradRowId(slot);
      rows.update(w, acc, id * width, g, slot * width, width, lr, epsilon, l2);
      table.markTouched(id);
    }
  }
}

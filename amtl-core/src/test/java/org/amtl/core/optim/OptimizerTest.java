package org.amtl.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.amtl.core.layers.DenseParams;
import org.amtl.core.layers.EmbeddingTable;
import org.junit.jupiter.api.Test;

class OptimizerTest {
  @Test
  void adagradChangesOnlyRowsWithGradients() {
    EmbeddingTable t = new EmbeddingTable("t", 10, 3, 0.1, 1);
    float[] before = t.values().clone();
    int o = t.gradOffset(4);
    t.gradBuffer()[o] = 0.5f;
    t.gradBuffer()[o + 2] = -2f;
    new Adagrad(0.1, 1e-8, 0.0).step(t);
    for (int id = 0; id < 10; id++) {
      for (int j = 0; j < 3; j++) {
        float expected = before[id * 3 + j];
        if (id == 4 && j == 0) {
          expected -= 0.1f * 0.5f / ((float) Math.sqrt(0.25f) + 1e-8f);
        } else if (id == 4 && j == 2) {
          expected += 0.1f * 2f / ((float) Math.sqrt(4f) + 1e-8f);
        }
        assertEquals(expected, t.values()[id * 3 + j], 1e-7f, "row " + id + " dim " + j);
      }
    }
    assertEquals(1, t.touched().cardinality());
    assertEquals(0.25f, t.accumulators()[12]);
  }

  @Test
  void adamMatchesTheTextbookUpdate() {
    DenseParams p = new DenseParams(1);
    p.allocate("w", 1, 2, 0.5);
    float w0 = p.values()[0];
    Adam adam = new Adam(2, 0.01, 0.9, 0.999, 1e-8, 0.0);
    double m = 0;
    double v = 0;
    double w = w0;
    for (int t = 1; t <= 5; t++) {
      double g = 2 * w; // gradient of w^2
      p.grads()[0] = (float) g;
      adam.step(p);
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      w -= 0.01 * (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.999, t))) + 1e-8);
      assertEquals(w, p.values()[0], 1e-6);
    }
    assertEquals(5, adam.steps());
  }
}

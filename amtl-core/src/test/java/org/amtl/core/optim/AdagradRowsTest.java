package org.amtl.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vectorised Adagrad row update gives the scalar one's floats bit for bit, on every width's remainder. */
class AdagradRowsTest {
  @Test
  void vectorAndScalarUpdatesGiveTheSameFloats() {
    assertEquals("VectorAdagradRows", AdagradRows.get().getClass().getSimpleName(),
        "surefire starts the JVM with jdk.incubator.vector");
    SplittableRandom rnd = new SplittableRandom(23);
    for (int width = 1; width <= 40; width++) {
      int r = rnd.nextInt(5);
      int go = rnd.nextInt(5);
      float[] w = random(rnd, r + width + 3, 1);
      float[] acc = random(rnd, r + width + 3, 0);
      float[] g = random(rnd, go + width, 1e-3 + rnd.nextDouble());
      float[] w2 = w.clone();
      float[] acc2 = acc.clone();
      float l2 = width % 2 == 0 ? 0f : 1e-4f;
      AdagradRows.get().update(w, acc, r, g, go, width, 0.05f, 1e-8f, l2);
      new AdagradRows.Scalar().update(w2, acc2, r, g, go, width, 0.05f, 1e-8f, l2);
      for (int i = 0; i < w.length; i++) {
        assertEquals(Float.floatToIntBits(w2[i]), Float.floatToIntBits(w[i]), "width " + width + ", w at " + i);
        assertEquals(Float.floatToIntBits(acc2[i]), Float.floatToIntBits(acc[i]), "width " + width + ", acc at " + i);
      }
    }
  }

  // scale 0: accumulators, positive and some tiny, as after a few steps
  private static float[] random(SplittableRandom rnd, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale == 0 ? (float) (rnd.nextDouble() * rnd.nextDouble() * 0.1) : (float) (rnd.nextGaussian() * scale);
    }
    return v;
  }
}

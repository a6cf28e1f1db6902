package org.amtl.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The branch-free ReLU against its definition, bit for bit, signed zeros, subnormals and infinities included. */
class ReluTest {
  @Test
  void matchesTheDefinitionBitForBit() {
    SplittableRandom rnd = new SplittableRandom(7);
    float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
        -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f};
    int n = 2000;
    float[] x = new float[n];
    float[] dy = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i < special.length ? special[i] : (float) rnd.nextGaussian();
      dy[i] = i % 7 == 0 ? -0f : i % 11 == 0 ? special[i % special.length] : (float) rnd.nextGaussian();
    }
    float[] input = x.clone();
    float[] upstream = dy.clone();
    Relu relu = new Relu();
    float[] y = relu.forward(x, n);
    assertSame(x, y, "forward writes over its input");
    float[] dx = relu.backward(dy);
    assertSame(dy, dx, "backward writes over its upstream gradient");
    x = input;
    dy = upstream;
    for (int i = 0; i < n; i++) {
      float expectedY = x[i] > 0f ? x[i] : 0f;
      float expectedDx = expectedY > 0f ? dy[i] : 0f;
      assertEquals(Float.floatToRawIntBits(expectedY), Float.floatToRawIntBits(y[i]), "y at x = " + x[i]);
      assertEquals(Float.floatToRawIntBits(expectedDx), Float.floatToRawIntBits(dx[i]),
          "dx at x = " + x[i] + ", dy = " + dy[i]);
    }
  }
}

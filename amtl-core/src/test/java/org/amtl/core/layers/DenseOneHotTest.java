package org.amtl.core.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A dense layer fed one-hot rows plus a dense tail equals the same layer fed the spread-out rows, bit for bit. */
class DenseOneHotTest {
  static final int ONE_HOT = 24;
  static final int TAIL = 2;
  static final int OUT = 37; // not a multiple of any vector width

  @Test
  void sameOutputsAndWeightGradientsAsTheDenseInput() {
    SplittableRandom rnd = new SplittableRandom(13);
    DenseParams params = new DenseParams(4);
    Dense layer = new Dense(params, "d", ONE_HOT + TAIL, OUT);
    for (int i = 0; i < params.size(); i++) {
      params.values()[i] = (float) rnd.nextGaussian(); // biases too, so no chain starts at zero
    }
    int batch = 45;
    int[] hot = new int[batch];
    float[] tail = new float[batch * TAIL];
    float[] spread = new float[batch * (ONE_HOT + TAIL)];
    float[] dy = new float[batch * OUT];
    for (int i = 0; i < batch; i++) {
      hot[i] = rnd.nextInt(ONE_HOT);
      spread[i * (ONE_HOT + TAIL) + hot[i]] = 1f;
      for (int q = 0; q < TAIL; q++) {
        tail[i * TAIL + q] = (float) rnd.nextDouble();
        spread[i * (ONE_HOT + TAIL) + ONE_HOT + q] = tail[i * TAIL + q];
      }
    }
    for (int i = 0; i < dy.length; i++) {
      dy[i] = i % 9 == 0 ? -0f : (float) rnd.nextGaussian();
    }

    float[] denseY = layer.forward(spread, batch).clone();
    params.zeroGrad();
    layer.backward(dy, false);
    float[] denseGrads = params.grads().clone();

    float[] oneHotY = layer.forwardOneHot(hot, tail, TAIL, batch).clone();
    params.zeroGrad();
    layer.backward(dy, false);
    float[] oneHotGrads = params.grads().clone();

    assertArrayEquals(bits(denseY, batch * OUT), bits(oneHotY, batch * OUT), "outputs");
    assertArrayEquals(bits(denseGrads, denseGrads.length), bits(oneHotGrads, oneHotGrads.length), "gradients");
    int w0 = params.tensor("d.w").offset() + hot[0] * OUT;
    float once = params.grads()[w0];
    layer.backward(dy, false);
    assertEquals(2 * once, params.grads()[w0], 1e-4, "a second backward adds into the gradients");
  }

  @Test
  void refusesAColumnOutsideTheOneHotPartAndAnInputGradient() {
    Dense layer = new Dense(new DenseParams(4), "d", ONE_HOT + TAIL, OUT);
    float[] tail = new float[TAIL];
    assertThrows(IllegalArgumentException.class, () -> layer.forwardOneHot(new int[] {ONE_HOT}, tail, TAIL, 1));
    assertThrows(IllegalArgumentException.class, () -> layer.forwardOneHot(new int[] {-1}, tail, TAIL, 1));
    layer.forwardOneHot(new int[] {3}, tail, TAIL, 1);
    assertThrows(IllegalStateException.class, () -> layer.backward(new float[OUT], true));
  }

  static int[] bits(float[] v, int n) {
    int[] b = new int[n];
    for (int i = 0; i < n; i++) {
      b[i] = Float.floatToIntBits(v[i]);
    }
    return b;
  }
}

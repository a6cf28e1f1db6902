package org.amtl.core.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UniformStreamTest {
  @Test
  void everyElementIsTheSameDrawAsSplittableRandomsSequence() {
    for (long seed : new long[] {0, 42, -7, Seeds.derive(1, "field0.emb")}) {
      SplittableRandom rnd = new SplittableRandom(seed);
      UniformStream stream = new UniformStream(seed);
      for (int i = 0; i < 10_000; i++) {
        assertEquals(rnd.nextDouble(), stream.uniform(i), "seed " + seed + ", element " + i);
      }
    }
  }

  @Test
  void anyRangeFilledAloneHasTheBitsOfTheWhole() {
    UniformStream stream = new UniformStream(Seeds.derive(7, "t"));
    float[] whole = new float[1000];
    stream.fillSymmetric(whole, 0, 0, whole.length, 0.05);
    float[] parts = new float[1000];
    for (int[] range : new int[][] {{0, 333}, {333, 1}, {334, 600}, {934, 66}}) {
      stream.fillSymmetric(parts, range[0], range[0], range[1], 0.05);
    }
    assertArrayEquals(whole, parts);
    SplittableRandom rnd = new SplittableRandom(Seeds.derive(7, "t"));
    for (float v : whole) {
      assertEquals((float) ((rnd.nextDouble() * 2 - 1) * 0.05), v);
    }
  }
}

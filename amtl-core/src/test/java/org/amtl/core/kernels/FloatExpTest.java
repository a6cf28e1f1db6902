package org.amtl.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The float exponential against the double-precision one: accuracy over its range, and its clamps. */
class FloatExpTest {
  @Test
  void withinTwoUlpOverItsRange() {
    SplittableRandom rnd = new SplittableRandom(3);
    double worst = 0;
    for (int i = 0; i < 2_000_000; i++) {
      // half the points where softmaxes live (a few units below 0), half over the whole range
      float x = i % 2 == 0 ? (float) (-20 * rnd.nextDouble()) : (float) rnd.nextDouble(FloatExp.LOWEST,
          FloatExp.HIGHEST);
      float got = FloatExp.exp(x);
      double exact = Math.exp(x);
      double ulps = Math.abs(got - exact) / Math.ulp((float) exact);
      worst = Math.max(worst, ulps);
      assertTrue(ulps <= 2, "exp(" + x + ") = " + got + ", exact " + exact + ": " + ulps + " ulp");
    }
    assertTrue(worst > 0, "the comparison saw no rounding at all");
  }

  @Test
  void exactAtZeroAndWithinTwoUlpAtPowersOfTwo() {
    assertEquals(1f, FloatExp.exp(0f));
    assertEquals(1f, FloatExp.exp(-0f));
    for (int k = -120; k <= 120; k += 7) {
      float x = (float) (k * Math.log(2));
      assertEquals(Math.exp(x), FloatExp.exp(x), Math.ulp((float) Math.exp(x)) * 2, "exp(" + k + " ln 2)");
    }
  }

  @Test
  void clampsOutsideTheRangeAndKeepsNaN() {
    assertEquals(FloatExp.exp(FloatExp.LOWEST), FloatExp.exp(-1000f));
    assertEquals(FloatExp.exp(FloatExp.LOWEST), FloatExp.exp(Float.NEGATIVE_INFINITY));
    assertTrue(FloatExp.exp(FloatExp.LOWEST) > 0 && FloatExp.exp(FloatExp.LOWEST) < 2e-38f);
    assertEquals(FloatExp.exp(FloatExp.HIGHEST), FloatExp.exp(Float.POSITIVE_INFINITY));
    assertTrue(Float.isFinite(FloatExp.exp(FloatExp.HIGHEST)));
    assertTrue(Float.isNaN(FloatExp.exp(Float.NaN)));
  }
}

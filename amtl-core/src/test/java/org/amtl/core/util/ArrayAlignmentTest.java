package org.amtl.core.util;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The aligned index follows the arrays' real addresses: arrays allocated back to back lie their sizes apart, which
 * shifts the first aligned element of the second by the size of the first.
 */
class ArrayAlignmentTest {
  private static final int LINE_FLOATS = ArrayAlignment.BYTES / Float.BYTES;

  @Test
  void readsAddressesOnThisJvm() {
    assertTrue(ArrayAlignment.known(), "HotSpot with sun.misc.Unsafe: the compressed reference shift is measurable");
  }

  @Test
  void theNextArrayIsTheFirstArraysSizeFurther() {
    // a float[4] is 32 bytes (16 of header, 16 of floats); a float[12] 64, a float[20] 96
    int[][] sizesAndShifts = {{4, 8}, {12, 0}, {20, 8}};
    for (int[] sizeAndShift : sizesAndShifts) {
      int agree = 0;
      for (int t = 0; t < 20; t++) {
        Object[] pair = {new float[sizeAndShift[0]], new float[8]}; // (a new allocation buffer breaks a rare pair)
        int first = ArrayAlignment.firstAlignedIndex((float[]) pair[0]);
        int second = ArrayAlignment.firstAlignedIndex((float[]) pair[1]);
        assertTrue(first >= 0 && first < LINE_FLOATS && second >= 0 && second < LINE_FLOATS);
        agree += Math.floorMod(first - second, LINE_FLOATS) == sizeAndShift[1] ? 1 : 0;
      }
      assertTrue(agree >= 15, "float[" + sizeAndShift[0] + "] then float[8]: " + agree + " of 20 pairs agree");
    }
  }
}

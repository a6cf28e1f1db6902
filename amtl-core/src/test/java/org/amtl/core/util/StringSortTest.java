package org.amtl.core.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The keyed sort puts strings in the order Arrays.sort does, for every shape of range it may meet. */
class StringSortTest {
  @Test
  void ordersLikeArraysSortAcrossPrefixesEndsAndUnits() {
    Random rnd = new Random(11);
    String[] alphabets = {"0123456789abcdef", "ab", "\u0000a\u00ff\u0100\u7fff\u8000\uffff\ud83d\ude00"};
    for (int round = 0; round < 300; round++) {
      int n = 1 + rnd.nextInt(round % 3 == 0 ? 40 : 3000);
      String[] prefixes = {"", "f" + rnd.nextInt(30) + "_v", "a_long_shared_prefix_" + rnd.nextInt(3)};
      String prefix = prefixes[rnd.nextInt(prefixes.length)];
      String alphabet = alphabets[round % alphabets.length];
      String[] values = new String[n];
      for (int i = 0; i < n; i++) {
        StringBuilder s = new StringBuilder(prefix);
        int length = rnd.nextInt(9); // some values are prefixes of others, some are equal, some are the prefix
        for (int j = 0; j < length; j++) {
          s.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        values[i] = s.toString();
      }
      int from = rnd.nextInt(Math.max(1, n / 4));
      int to = n - rnd.nextInt(Math.max(1, n / 4));
      String[] expected = values.clone();
      Arrays.sort(expected, from, to);
      String[] shallow = values.clone(); // the merge sort below a few partitions, as lopsided ones would reach
      StringSort.sort(values, from, to);
      assertArrayEquals(expected, values, "round " + round + ", " + n + " values, range " + from + ".." + to);
      StringSort.sort(shallow, from, to, round % 3);
      assertArrayEquals(expected, shallow, "depth " + round % 3 + ", round " + round);
    }
  }

  @Test
  void keysNeverDisagreeWithTheStrings() {
    String[] ordered = {"", "\u0000", "\u0000\u0000", "a", "a\u0000", "a\u0000b", "ab", "abcd", "abcd\u0000",
        "abcde", "abd", "b", "\u7fff", "\u8000", "\uffff"};
    for (int i = 0; i + 1 < ordered.length; i++) {
      assertTrue((StringSort.units(ordered[i], 0) ^ Long.MIN_VALUE) <= (StringSort.units(ordered[i + 1], 0) ^ Long.MIN_VALUE), ordered[i] + " / " + ordered[i + 1]);
    }
    assertTrue((StringSort.units("abd", 0) ^ Long.MIN_VALUE) > (StringSort.units("abcd", 0) ^ Long.MIN_VALUE));
    assertTrue((StringSort.units("\u8000", 0) ^ Long.MIN_VALUE) > (StringSort.units("\u7fff", 0) ^ Long.MIN_VALUE), "units compare unsigned");
  }
}

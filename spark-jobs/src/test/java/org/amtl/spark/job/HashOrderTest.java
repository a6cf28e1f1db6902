package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.amtl.core.data.Example;
import org.amtl.core.data.ExampleBlock;
import org.junit.jupiter.api.Test;

/** The layout's order: by the whole signed hash, ties by content, as a comparator sort of the rows would give. */
class HashOrderTest {
  @Test
  void ordersLikeAComparatorSortIncludingSharedHighHalvesAndEqualHashes() {
    SplittableRandom rnd = new SplittableRandom(8);
    int n = 20_000;
    long[] keys = new long[n];
    List<Example> rows = new ArrayList<>();
    long[] highs = {Long.MIN_VALUE >> 32, -1, 0, 1, 7, Integer.MAX_VALUE};
    for (int i = 0; i < n; i++) {
      int kind = rnd.nextInt(4);
      keys[i] = kind == 0 ? rnd.nextLong() // unique in practice
          : kind == 1 ? highs[rnd.nextInt(highs.length)] << 32 | rnd.nextInt() & 0xffffffffL // shared high half
          : kind == 2 ? highs[rnd.nextInt(highs.length)] << 32 | rnd.nextInt(4) // whole hashes repeat
          : rnd.nextLong(-3, 3); // around zero: the sign of the high half matters
      rows.add(new Example(rnd.nextInt(2), new int[][] {{rnd.nextInt(3)}, {rnd.nextInt(3)}}));
    }
    ExampleBlock block = ExampleBlock.of(rows, 2);
    Integer[] expected = new Integer[n];
    Arrays.setAll(expected, i -> i);
    Arrays.sort(expected, (a, b) -> {
      int c = Long.compare(keys[a], keys[b]);
      return c != 0 ? c : block.compareRows(a, b);
    });
    int[] order = EncodeStage.BlockBuilder.hashOrder(keys, block);
    // rows equal in hash and content may come in either order: compare what they hold
    for (int i = 0; i < n; i++) {
      int e = expected[i];
      int a = order[i];
      assertEquals(keys[e], keys[a], "hash at " + i);
      assertEquals(0, block.compareRows(e, a), "content at " + i);
    }
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    int[] all = new int[n];
    Arrays.setAll(all, i -> i);
    assertArrayEquals(all, sorted, "a permutation of the rows");
  }
}

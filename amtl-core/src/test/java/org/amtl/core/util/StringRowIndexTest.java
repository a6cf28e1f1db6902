package org.amtl.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The int-table index finds what a HashMap finds, also among strings whose hash codes collide. */
class StringRowIndexTest {
  @Test
  void findsEveryValueAndNothingElseLikeAHashMap() {
    Random rnd = new Random(3);
    Set<String> distinct = new LinkedHashSet<>();
    distinct.add("Aa"); // "Aa" and "BB" share a hash code, and so do their concatenations
    distinct.add("BB");
    distinct.add("AaBB");
    distinct.add("BBAa");
    distinct.add("");
    while (distinct.size() < 50_000) {
      distinct.add(Long.toString(rnd.nextLong() >>> rnd.nextInt(64), 36));
    }
    String[] values = distinct.toArray(new String[0]);
    Map<String, Integer> reference = new HashMap<>();
    for (int i = 0; i < values.length; i++) {
      reference.put(values[i], i);
    }
    StringRowIndex index = new StringRowIndex(values);
    for (int i = 0; i < values.length; i++) {
      assertEquals(i, index.rowOf(new String(values[i].toCharArray())), values[i]); // equal, not the same object
    }
    for (int k = 0; k < 50_000; k++) {
      String probe = "x" + Long.toString(rnd.nextLong(), 36);
      assertEquals(reference.getOrDefault(probe, -1), index.rowOf(probe), probe);
    }
    assertEquals(-1, index.rowOf("AaAa"), "a colliding hash code of an absent value");
  }

  @Test
  void anEmptyIndexFindsNothingAndDuplicatesAreRefused() {
    assertEquals(-1, new StringRowIndex(new String[0]).rowOf("a"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new StringRowIndex(new String[] {"a", "b", "a"}));
    assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("rows 0 and 2"), e.getMessage());
  }
}

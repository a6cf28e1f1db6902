package org.amtl.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VocabularyTest {
  @Test
  void rowsOrderedByCountWithOovFirstAndMinCount() {
    FieldVocabulary v = FieldVocabulary.fromCounts("f", Map.of("b", 5L, "a", 5L, "c", 9L, "rare", 1L), 2);
    assertEquals(4, v.rows());
    assertEquals("c", v.value(1));
    assertEquals("a", v.value(2)); // ties by value
    assertEquals("b", v.value(3));
    assertEquals(FieldVocabulary.OOV, v.idOf("rare"));
    assertEquals(FieldVocabulary.OOV, v.idOf(null));
    assertEquals(FieldVocabulary.OOV, v.idOf("never"));
    assertEquals(0, v.count(FieldVocabulary.OOV));
  }

  @Test
  void frequencyFeatures() {
    FieldVocabulary v = FieldVocabulary.fromCounts("f", Map.of("x", 1000L, "y", 10L, "z", 1L), 1);
    FrequencyFeatures ff = FrequencyFeatures.of(v, 24);
    assertEquals(26, ff.width());
    float[] s = new float[26];
    ff.copyTo(1, s, 0);
    assertEquals(1f, s[9]); // floor(log2(1001)) = 9
    assertEquals(1f, s[24]); // u of the most frequent value
    assertEquals(1f, s[25]); // normalized rank of rank 1
    ff.copyTo(3, s, 0);
    assertEquals(1f, s[1]); // floor(log2(2)) = 1
    assertEquals(0f, s[24]);
    assertEquals(1 - 2 / 3f, s[25], 1e-6);
    assertEquals((float) ((Math.log1p(10) - Math.log1p(1)) / (Math.log1p(1000) - Math.log1p(1))), ff.weight(2), 1e-6);
    assertEquals(0f, ff.weight(FieldVocabulary.OOV));
    assertEquals(0, ff.bucket(FieldVocabulary.OOV));
    assertEquals(23, FrequencyFeatures.bucketOf(1L << 40, 24)); // capped
  }

  /** A tie group shares its mean rank, in a whole field and in a slice of it (built from the field's statistics). */
  @Test
  void equalCountsShareTheirTieGroupsMeanRank() {
    FieldVocabulary v = FieldVocabulary.fromCounts("f", Map.of("x", 5L, "y", 5L, "z", 5L, "w", 2L, "u", 9L), 1);
    // rows: u 9 (id 1), x y z 5 (ids 2-4, mean rank 3), w 2 (id 5)
    FrequencyFeatures ff = FrequencyFeatures.of(v, 24);
    float[] s = new float[26];
    float[] expected = {1f, 1 - 2 / 5f, 1 - 2 / 5f, 1 - 2 / 5f, 1 - 4 / 5f};
    for (int id = 1; id <= 5; id++) {
      ff.copyTo(id, s, 0);
      assertEquals(expected[id - 1], s[25], 1e-6, "rank of row " + id);
    }
    FieldVocabulary slice = FieldVocabulary.sliceOf("f", new int[] {0, 3, 5}, new long[] {0, 5, 2}, v.stats());
    FrequencyFeatures sliced = FrequencyFeatures.of(slice, 24);
    float[] whole = new float[26];
    for (int[] pair : new int[][] {{1, 3}, {2, 5}}) { // slice row, whole-field row
      sliced.copyTo(pair[0], s, 0);
      ff.copyTo(pair[1], whole, 0);
      assertArrayEquals(whole, s, "slice row " + pair[0]);
    }
    assertEquals("[9:1, 5:4, 2:5]", v.stats().groups().toString());
    assertEquals(v.stats().groups(), org.amtl.core.data.CountGroups.of(new long[] {2, 9, 5}, new long[] {1, 1, 3}));
  }

  private static Vocabulary roundTrip(Vocabulary v) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    v.write(new DataOutputStream(b));
    return Vocabulary.read(new DataInputStream(new ByteArrayInputStream(b.toByteArray())));
  }

  @Test
  void countsOnlyKeepsRowsAndCountsAndRefusesValueLookups() throws IOException {
    Vocabulary full = new Vocabulary(List.of(FieldVocabulary.fromCounts("f", Map.of("x", 9L, "y", 4L), 1),
        FieldVocabulary.fromCounts("g", Map.of(), 1)));
    Vocabulary back = roundTrip(full);
    assertEquals("y", back.field(0).value(2));
    Vocabulary counts = roundTrip(full.countsOnly());
    for (int f = 0; f < 2; f++) {
      assertEquals(full.field(f).name(), counts.field(f).name());
      assertEquals(full.field(f).size(), counts.field(f).size());
      assertArrayEquals(full.field(f).counts(), counts.field(f).counts());
      assertTrue(full.field(f).hasValues());
      assertFalse(counts.field(f).hasValues());
    }
    assertEquals(FieldVocabulary.OOV, counts.field(0).idOf(null));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> counts.field(0).idOf("x"));
    assertTrue(e.getMessage().contains("field 'f'") && e.getMessage().contains("counts only"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> counts.field(0).value(1));
    assertEquals(FrequencyFeatures.of(full.field(0), 24).weight(2), FrequencyFeatures.of(counts.field(0), 24)
        .weight(2));
  }

  @Test
  void rowsFollowCountThenValueAmongManyTiesAndHugeCounts() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
    int n = 5000;
    String[] values = new String[n];
    long[] counts = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = "v" + rnd.nextInt(1_000_000) + "-" + i; // distinct, in no order
      int kind = rnd.nextInt(4);
      counts[i] = kind == 0 ? 1 + rnd.nextInt(3) : kind == 1 ? rnd.nextInt(100)
          : kind == 2 ? (1L << 33) + rnd.nextInt(5) : rnd.nextLong(1L << 40);
    }
    FieldVocabulary v = FieldVocabulary.fromCounts("f", values, counts, 2);
    List<Integer> expected = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (counts[i] >= 2) {
        expected.add(i);
      }
    }
    expected.sort(java.util.Comparator.<Integer>comparingLong(i -> counts[i]).reversed()
        .thenComparing(i -> values[i]));
    assertEquals(expected.size(), v.size());
    for (int r = 0; r < expected.size(); r++) {
      assertEquals(values[expected.get(r)], v.value(r + 1), "row " + (r + 1));
      assertEquals(counts[expected.get(r)], v.count(r + 1), "row " + (r + 1));
    }
  }
}

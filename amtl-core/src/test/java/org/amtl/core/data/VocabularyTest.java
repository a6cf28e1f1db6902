package org.amtl.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}

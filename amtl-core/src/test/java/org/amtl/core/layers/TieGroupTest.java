package org.amtl.core.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.FrequencyFeatures;
import org.junit.jupiter.api.Test;

/**
 * The mask sizes by frequency alone: values seen equally often share their features (the tie group's mean rank),
 * so they keep equal dims whatever the AMLs' weights, and the AMLs run once per distinct count of a batch.
 */
class TieGroupTest {
  private static final int D = 8;

  // 300 values whose counts are few and repeat, as a click log's rare values do: value i is counted 1 + i % 7,
  // the first ten 1000 + i % 3
  private static FieldVocabulary tiedField() {
    Map<String, Long> counts = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      counts.put("v" + i, i < 10 ? 1000L + i % 3 : 1L + i % 7);
    }
    return FieldVocabulary.fromCounts("f", counts, 1);
  }

  /** Each row run through the mask alone, so no grouping inside a batch can make them equal. */
  @Test
  void equalCountsKeepEqualDimsForAnyWeights() {
    FieldVocabulary vocab = tiedField();
    int startsWithSpread = 0;
    for (long seed = 1; seed <= 5; seed++) {
      for (boolean twins : new boolean[] {true, false}) {
        AmtlMask mask = new AmtlMask(new DenseParams(seed), "f", FrequencyFeatures.of(vocab, 24), D,
            new AmtlMask.Settings(6, twins, true, 1.0, 0, false, 0));
        Map<Long, float[]> probsOfCount = new HashMap<>();
        Set<Integer> dims = new HashSet<>();
        float[] masks = new float[D];
        for (int id = 1; id < vocab.rows(); id++) {
          mask.forward(new int[] {id}, 1, masks, true);
          float[] probs = mask.probabilities();
          float[] before = probsOfCount.putIfAbsent(vocab.count(id), probs);
          if (before != null) {
            assertArrayEquals(before, probs, "seed " + seed + ", twins " + twins + ": row " + id + " (count "
                + vocab.count(id) + ") against an earlier row of that count");
          }
          dims.add(AmtlMask.argmax(probs, 0, D) + 1);
        }
        if (dims.size() > 1) {
          startsWithSpread++;
        }
      }
    }
    // the check above is only worth something if the dims do vary with the count
    assertTrue(startsWithSpread > 0, "every random start gave every count the same dims");
  }

  @Test
  void theAmlsRunOncePerDistinctCountOfABatch() {
    FieldVocabulary vocab = tiedField();
    AmtlMask mask = new AmtlMask(new DenseParams(3), "f", FrequencyFeatures.of(vocab, 24), D,
        new AmtlMask.Settings(6, true, false, 1.0, 0, false, 0)); // soft: masks differ wherever features do
    int[] ids = {0, 5, 17, 40, 41, 300, 299, 12, 13, 14};
    Set<Long> distinct = new HashSet<>();
    for (int id : ids) {
      distinct.add(id == FieldVocabulary.OOV ? -1 : vocab.count(id));
    }
    float[] masks = new float[ids.length * D];
    mask.forward(ids, ids.length, masks, true);
    assertEquals(distinct.size(), mask.groups());
    assertTrue(mask.groups() < ids.length, "the batch has tied rows");
    // each row's mask is the one its group computed alone
    for (int i = 0; i < ids.length; i++) {
      float[] alone = new float[D];
      mask.forward(new int[] {ids[i]}, 1, alone, true);
      assertArrayEquals(alone, java.util.Arrays.copyOfRange(masks, i * D, (i + 1) * D), "row " + ids[i]);
    }
  }
}

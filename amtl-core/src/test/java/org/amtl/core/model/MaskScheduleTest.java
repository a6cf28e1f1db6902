package org.amtl.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.FrequencyFeatures;
import org.amtl.core.layers.AmtlMask;
import org.amtl.core.layers.DenseParams;
import org.junit.jupiter.api.Test;

/**
 * The masks' schedule over a run: warm-up rounds keep every dim and leave the AMLs untouched, the storage target
 * waits for them, and the temperature anneals from the first masked round to the last.
 */
class MaskScheduleTest {

  @Test
  void warmUpThenAnnealedTemperature() {
    AmtlConfig config = AmtlConfig.defaults().with(Keys.EMBEDDING, EmbeddingVariant.AMTL).with(Keys.EPOCHS, 2)
        .with(Keys.ROUNDS_PER_EPOCH, 3).with(Keys.WARMUP_ROUNDS, 2).with(Keys.TEMPERATURE, 1.0)
        .with(Keys.FINAL_TEMPERATURE, 0.1).validate();
    MaskSchedule s = MaskSchedule.of(config);
    assertEquals(6, s.totalRounds());
    assertTrue(s.open(0) && s.open(1));
    assertFalse(s.open(2));
    assertFalse(s.steers(0) || s.steers(1), "no price while every dim is kept");
    assertTrue(s.steers(2));
    assertEquals(1.0, s.temperature(2), 0);
    assertEquals(Math.pow(0.1, 1 / 3.0), s.temperature(3), 1e-12);
    assertEquals(0.1, s.temperature(5), 1e-12);

    MaskSchedule plain = MaskSchedule.of(AmtlConfig.defaults().with(Keys.TEMPERATURE, 0.7));
    assertTrue(plain.steers(0));
    assertFalse(plain.open(0));
    assertEquals(0.7, plain.temperature(3), 0);
  }

  @Test
  void anOpenMaskKeepsEveryDimAndTrainsNoAml() {
    Map<String, Long> counts = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      counts.put("v" + i, 1L + i);
    }
    FieldVocabulary vocab = FieldVocabulary.fromCounts("f", counts, 1);
    DenseParams params = new DenseParams(3);
    AmtlMask mask = new AmtlMask(params, "f", FrequencyFeatures.of(vocab, 24), 8,
        new AmtlMask.Settings(6, true, true, 1.0, 0.01, false, 0));
    int[] ids = {1, 7, 30, 49};
    float[] m = new float[4 * 8];
    float[] dmask = new float[4 * 8];
    java.util.Arrays.fill(dmask, 0.5f);
    float[] ones = new float[4];
    java.util.Arrays.fill(ones, 1f);

    mask.setRound(true, 1.0);
    mask.forward(ids, 4, m, true);
    float[] all = new float[4 * 8];
    java.util.Arrays.fill(all, 1f);
    assertArrayEquals(all, m, "warm-up: every dim kept");
    params.zeroGrad();
    mask.backward(dmask, ones);
    assertArrayEquals(new float[params.grads().length], params.grads(), "no gradient reaches the AMLs");

    mask.forward(ids, 4, m, false);
    int[] inference = prefixLengths(m);
    mask.setRound(false, 1.0);
    mask.forward(ids, 4, m, true);
    assertArrayEquals(inference, prefixLengths(m), "after the warm-up training selects as inference does");
    assertTrue(java.util.Arrays.stream(inference).anyMatch(k -> k < 8), "the random start cuts some dims");
    mask.backward(dmask, ones);
    assertTrue(java.util.Arrays.stream(toDoubles(params.grads())).anyMatch(g -> g != 0), "the AMLs train");
  }

  @Test
  void warmUpNeedsAmtlAndAMaskedRound() {
    for (AmtlConfig bad : new AmtlConfig[] {
        AmtlConfig.defaults().with(Keys.EMBEDDING, EmbeddingVariant.FBE).with(Keys.WARMUP_ROUNDS, 1),
        AmtlConfig.defaults().with(Keys.EMBEDDING, EmbeddingVariant.AMTL).with(Keys.ROUNDS_PER_EPOCH, 4)
            .with(Keys.WARMUP_ROUNDS, 4)}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::validate);
      assertTrue(e.getMessage().contains("amtl.warmupRounds"), e.getMessage());
    }
  }

  private static int[] prefixLengths(float[] masks) {
    int[] k = new int[masks.length / 8];
    for (int i = 0; i < k.length; i++) {
      for (int j = 0; j < 8; j++) {
        k[i] += masks[i * 8 + j] == 1f ? 1 : 0;
      }
    }
    return k;
  }

  private static double[] toDoubles(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}

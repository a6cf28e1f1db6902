package org.amtl.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.layers.AmtlEmbedding;
import org.amtl.core.layers.AmtlMask;
import org.junit.jupiter.api.Test;

/**
 * A storage target moves a model's storage, as the table would count it row by row, to within the step the tie
 * groups allow, from the fields' statistics alone (a model over the OOV rows gets the same price as the whole
 * model), and the same on every rerun.
 */
class StorageTargetTest {
  private static final SyntheticClickLog LOG = new SyntheticClickLog(3, 400, 1.1, 8, 3.0, 5);
  private static final Vocabulary VOCAB = SyntheticClickLog.vocabulary(LOG.generate(4_000, 5, "train"), LOG.fields(),
      2);

  private static AmtlConfig config(long seed) {
    return AmtlConfig.defaults().with(Keys.EMBEDDING, EmbeddingVariant.AMTL).with(Keys.DIM, 8)
        .with(Keys.HIDDEN, new int[] {16}).with(Keys.SEED, seed);
  }

  @Test
  void storageLandsOnTheTargetForAnyStart() {
    for (double target : new double[] {0.15, 0.25, 0.5, 0.75}) {
      for (long seed = 1; seed <= 3; seed++) {
        CtrModel model = new CtrModel(config(seed), VOCAB.countsOnly());
        StorageTarget.Steer steer = StorageTarget.steer(model, target);
        double counted = model.storage().ratio(); // row by row, as the published table counts it
        assertEquals(steer.after(), counted, 1e-12, "the groups' ratio is the rows' ratio");
        assertEquals(target, counted, 0.02, "target " + target + ", seed " + seed + " (started at "
            + steer.before() + ")");
        StorageTarget.Steer again = StorageTarget.steer(model, target); // never leaves a better step
        assertTrue(Math.abs(again.after() - target) <= Math.abs(counted - target), "steered again: " + again);
        if (again.price() == 0) {
          assertEquals(counted, again.after(), "left alone");
        }
        if (Math.abs(steer.before() - target) > 0.05) {
          assertTrue(steer.price() != 0, "moved from " + steer.before());
        }
      }
    }
  }

  /** One dim a row is the least a table can keep: a target below 1/d lands there. */
  @Test
  void aTargetBelowOneDimARowKeepsOneDim() {
    CtrModel model = new CtrModel(config(1), VOCAB.countsOnly());
    StorageTarget.steer(model, 0.05);
    assertEquals(1.0 / 8, model.storage().ratio(), 1e-12);
  }

  @Test
  void theDriversDensePartGetsTheSamePriceAndRerunsTheSameBits() {
    CtrModel whole = new CtrModel(config(4), VOCAB.countsOnly());
    CtrModel again = new CtrModel(config(4), VOCAB.countsOnly());
    int[][] oovRows = new int[VOCAB.numFields()][];
    java.util.Arrays.setAll(oovRows, f -> new int[] {0});
    CtrModel dense = new CtrModel(config(4), VOCAB.countsOnly().slice(oovRows)); // as a sharded run's driver
    StorageTarget.Steer a = StorageTarget.steer(whole, 0.3);
    StorageTarget.Steer b = StorageTarget.steer(again, 0.3);
    StorageTarget.Steer c = StorageTarget.steer(dense, 0.3);
    assertEquals(a, b);
    assertEquals(a, c);
    assertArrayEquals(whole.params().values(), again.params().values());
    assertArrayEquals(whole.params().values(), dense.params().values());
  }

  /**
   * With rareFirst the rare values pay more per dim: at the same storage they keep fewer dims, and the frequent
   * ones more, than under one price for all.
   */
  @Test
  void rareFirstTakesTheStorageFromRareValues() {
    double[] spread = new double[2]; // frequent-half minus rare-half mean kept dim, summed: rareFirst 0 and 3
    for (long seed = 1; seed <= 3; seed++) {
      for (int i = 0; i < 2; i++) {
        CtrModel model = new CtrModel(config(seed).with(Keys.BUDGET_TARGET_RATIO, 0.5)
            .with(Keys.BUDGET_RARE_FIRST, i == 0 ? 0.0 : 3.0), VOCAB.countsOnly());
        StorageTarget.steer(model, 0.5);
        assertEquals(0.5, model.storage().ratio(), 0.02, "seed " + seed + ", rareFirst " + (i == 0 ? 0 : 3));
        for (int f = 0; f < model.numFields(); f++) {
          AmtlMask.GroupLogits groups = ((AmtlEmbedding) model.embedding(f)).mask().groupLogits(0);
          int values = groups.rows().length - 1; // the OOV row last
          spread[i] += meanKept(groups, 0, values / 2) - meanKept(groups, values / 2, values);
        }
      }
    }
    assertTrue(spread[1] > spread[0] + 1, "frequent minus rare kept dims, summed over fields and seeds: "
        + java.util.Arrays.toString(spread));
  }

  /** Mean kept dim over the rows of groups [from, to) (groups run from the most frequent count down). */
  private static double meanKept(AmtlMask.GroupLogits groups, int from, int to) {
    double dims = 0;
    long rows = 0;
    for (int g = from; g < to; g++) {
      dims += groups.rows()[g] * groups.kept(g, 0);
      rows += groups.rows()[g];
    }
    return dims / rows;
  }

  @Test
  void aTargetNeedsAmtl() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config(1)
        .with(Keys.EMBEDDING, EmbeddingVariant.FBE).with(Keys.BUDGET_TARGET_RATIO, 0.25).validate());
    assertTrue(e.getMessage().contains("amtl.budget.targetRatio"), e.getMessage());
  }
}

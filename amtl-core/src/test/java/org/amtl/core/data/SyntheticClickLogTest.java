package org.amtl.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two planted models: with prefix signal the dims that carry signal fall with rarity, with signal in all dims
 * every value carries all of them; and the labels follow the planted model, so the two logs differ.
 */
class SyntheticClickLogTest {

  @Test
  void prefixSignalShrinksWithRarityAndAllDimsSignalDoesNot() {
    SyntheticClickLog prefix = new SyntheticClickLog(2, 1000, 1.1, 16, 3.0, 7);
    SyntheticClickLog all = new SyntheticClickLog(2, 1000, 1.1, 16, 3.0, 7, false);
    assertEquals(16, prefix.trueDimOf(1));
    assertEquals(1, prefix.trueDimOf(1000));
    assertTrue(prefix.trueDimOf(30) < 16 && prefix.trueDimOf(30) > prefix.trueDimOf(300));
    for (int rank : new int[] {1, 30, 300, 1000}) {
      assertEquals(16, all.trueDimOf(rank), "rank " + rank);
    }
  }

  @Test
  void theSameRanksGetLabelsFromTheirOwnPlantedModel() {
    List<SyntheticClickLog.Row> prefix = new SyntheticClickLog(3, 500, 1.1, 8, 3.0, 7).generate(4000, 1, "x");
    List<SyntheticClickLog.Row> all = new SyntheticClickLog(3, 500, 1.1, 8, 3.0, 7, false).generate(4000, 1, "x");
    int differing = 0;
    for (int i = 0; i < prefix.size(); i++) {
      // the rank draws do not depend on the planted model, the labels do
      assertEquals(List.of(prefix.get(i).ranks()[0], prefix.get(i).ranks()[2]),
          List.of(all.get(i).ranks()[0], all.get(i).ranks()[2]));
      differing += prefix.get(i).label() != all.get(i).label() ? 1 : 0;
    }
    assertNotEquals(0, differing);
  }
}

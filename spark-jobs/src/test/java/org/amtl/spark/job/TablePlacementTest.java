package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldStats;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.spark.LocalSparkTest;
import org.junit.jupiter.api.Test;

/**
 * Where auto puts the rows, from the fields' sizes alone: broadcast while a training copy fits a task's share,
 * sharded beyond it or when a table reaches 2^31 floats, with enough shards that each holds at most half the share;
 * a forced mode that cannot run stops naming the key.
 */
class TablePlacementTest extends LocalSparkTest {
  private static final List<String> NAMES = List.of("user", "item");

  private static List<FieldStats> sizes(int user, int item) {
    return List.of(stats(user), stats(item));
  }

  // placement reads the rows alone: every value counted 10
  private static FieldStats stats(int rows) {
    return new FieldStats(rows, 10, 10, 10L * (rows - 1),
        org.amtl.core.data.CountGroups.of(new long[] {10}, new long[] {rows - 1}));
  }

  @Test
  void autoShardsWhatATaskCannotHold() {
    AmtlConfig config = AmtlConfig.defaults().with(Keys.DIM, 16).with(Keys.HIDDEN, new int[] {8});
    TablePlacement small = TablePlacement.decide(config, NAMES, sizes(1_000, 2_000), spark.sparkContext());
    assertFalse(small.sharded(), small.describe());
    // rows x (16 values + 16 accumulators) x 4 bytes, plus the dense part
    long rowBytes = 3_000L * 32 * 4;
    assertTrue(small.copyBytes() > rowBytes && small.copyBytes() < rowBytes + 1_000_000, small.describe());

    double share = (double) rowBytes / 10 / small.taskMemoryBytes(); // a tenth of the rows fit the share
    TablePlacement sharded = TablePlacement.decide(config.with(Keys.TASK_MEMORY_SHARE, share), NAMES,
        sizes(1_000, 2_000), spark.sparkContext());
    assertTrue(sharded.sharded(), sharded.describe());
    long perShard = (long) (share * sharded.taskMemoryBytes()) / 2;
    assertEquals((rowBytes + perShard - 1) / perShard, sharded.shards(), sharded.describe());

    TablePlacement huge = TablePlacement.decide(config, NAMES, sizes(1_000, 200_000_000), spark.sparkContext());
    assertTrue(huge.sharded(), huge.describe());
    assertTrue(huge.reason().contains("field 'item' holds a table of 3,200,000,000 floats"), huge.describe());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TablePlacement.decide(
        config.with(Keys.TABLES, Keys.TableMode.BROADCAST), NAMES, sizes(1_000, 200_000_000), spark.sparkContext()));
    assertTrue(e.getMessage().startsWith("train.tables=broadcast cannot hold this model"), e.getMessage());
  }

  @Test
  void variantsThatNeedWholeTablesStayBroadcastOrAreRefusedByName() {
    AmtlConfig mde = AmtlConfig.defaults().with(Keys.EMBEDDING, EmbeddingVariant.MDE);
    assertFalse(TablePlacement.decide(mde, NAMES, sizes(1_000, 200_000_000), spark.sparkContext()).sharded());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TablePlacement.decide(
        mde.with(Keys.TABLES, Keys.TableMode.SHARDED), NAMES, sizes(10, 10), spark.sparkContext()));
    assertTrue(e.getMessage().contains("does not train model.embedding=mde"), e.getMessage());
  }
}

package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A shard's rows held as one block: found by key, changed in a copy, and through Kryo bit for bit. */
class RowBlockTest {
  /** Rows of two fields with records of two widths, keys ascending, every float drawn from all 2^32 bit patterns. */
  static List<ShardRow> rows(int perField, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<ShardRow> rows = new ArrayList<>();
    for (int f = 0; f < 2; f++) {
      for (int id = 0; id < perField; id++) {
        float[] record = new float[f == 0 ? 5 : 66];
        for (int i = 0; i < record.length; i++) {
          record[i] = Float.intBitsToFloat(random.nextInt());
        }
        rows.add(new ShardRow(RowShards.key(f, id * 3), random.nextLong(1, 1L << 40), record));
      }
    }
    return rows;
  }

  static void assertSameRows(List<ShardRow> expected, Iterator<ShardRow> actual, String what) {
    for (ShardRow e : expected) {
      assertTrue(actual.hasNext(), what + ": rows missing from " + e.key());
      ShardRow a = actual.next();
      assertEquals(e.key(), a.key(), what);
      assertEquals(e.count(), a.count(), what);
      int[] bits = new int[e.record().length];
      int[] back = new int[a.record().length];
      for (int i = 0; i < bits.length; i++) {
        bits[i] = Float.floatToRawIntBits(e.record()[i]);
      }
      for (int i = 0; i < back.length; i++) {
        back[i] = Float.floatToRawIntBits(a.record()[i]);
      }
      assertArrayEquals(bits, back, what + ": row " + e.key());
    }
    assertTrue(!actual.hasNext(), what + ": more rows than written");
  }

  /** Sizes below, at and well past the codec's 64 KB chunk (NaN payloads and negative zeros kept). */
  @Test
  void travelsThroughKryoBitForBit() {
    for (int perField : new int[] {0, 1, 8_191, 8_192, 20_000}) {
      List<ShardRow> rows = rows(perField, perField);
      RowBlock back = KryoRegistrationTest.roundTrip(RowBlock.of(rows));
      assertEquals(rows.size(), back.size());
      assertSameRows(rows, back.rows(), perField + " rows a field");
    }
  }

  @Test
  void findsRowsByKeyAndChangesOnlyACopy() {
    List<ShardRow> rows = rows(50, 7);
    RowBlock block = RowBlock.of(rows);
    assertEquals(17, block.indexOf(RowShards.key(0, 51)));
    assertEquals(50 + 4, block.indexOf(RowShards.key(1, 12)));
    assertTrue(block.indexOf(RowShards.key(0, 52)) < 0, "an id the shard does not hold");
    assertTrue(block.indexOf(RowShards.key(2, 0)) < 0, "a field past the shard's rows");

    RowBlock.Changes changes = block.changes();
    float[] record = changes.record(54);
    record[65] = 42f;
    changes.set(54, record);
    RowBlock changed = changes.done();
    assertEquals(42f, changed.row(54).record()[65]);
    assertSameRows(rows, block.rows(), "the block changes were made from");
    List<ShardRow> expected = new ArrayList<>(rows);
    expected.set(54, new ShardRow(rows.get(54).key(), rows.get(54).count(), record));
    assertSameRows(expected, changed.rows(), "the changed block");
    assertThrows(IllegalArgumentException.class, () -> changes.set(3, new float[66]), "a record of another width");
  }

  @Test
  void refusesRowsOutOfKeyOrder() {
    List<ShardRow> rows = new ArrayList<>(rows(3, 1));
    java.util.Collections.swap(rows, 1, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RowBlock.of(rows));
    assertTrue(e.getMessage().contains("out of key order"), e.getMessage());
  }
}

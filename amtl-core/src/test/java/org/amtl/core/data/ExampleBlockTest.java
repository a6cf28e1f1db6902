package org.amtl.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.amtl.core.util.Shuffles;
import org.junit.jupiter.api.Test;

/** The column layout against the list of examples it replaces: same batches, same order, less memory. */
class ExampleBlockTest {
  private static final int[] ROWS = {50, 20, 30};

  /** Field 0 scalar, field 1 a list (empty bags included), field 2 scalar. */
  private static List<Example> examples(int n, long seed) {
    Random rnd = new Random(seed);
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] bag = new int[rnd.nextInt(4)];
      for (int k = 0; k < bag.length; k++) {
        bag[k] = rnd.nextInt(ROWS[1]);
      }
      out.add(new Example(rnd.nextInt(2), new int[][] {{rnd.nextInt(ROWS[0])}, bag, {rnd.nextInt(ROWS[2])}}));
    }
    return out;
  }

  private static void assertSameBatch(Batch expected, Batch actual) {
    assertEquals(expected.size(), actual.size());
    assertArrayEquals(expected.labels(), actual.labels());
    for (int f = 0; f < expected.numFields(); f++) {
      assertArrayEquals(expected.offsets(f), actual.offsets(f), "offsets of field " + f);
      assertArrayEquals(expected.ids(f), actual.ids(f), "ids of field " + f);
    }
  }

  @Test
  void touchedRowsAndTheirLocalIdsCoverBagsAndEmptyBags() {
    ExampleBlock block = ExampleBlock.of(List.of(
        new Example(1, new int[][] {{70_000}, {5, 3, 5}}),
        new Example(0, new int[][] {{12}, {}}),
        new Example(0, new int[][] {{70_000}, {300}})), 2);
    int[][] rows = block.touchedRows();
    assertArrayEquals(new int[][] {{0, 12, 70_000}, {0, 3, 5, 300}}, rows);
    ExampleBlock local = block.withRowsOf(rows);
    assertArrayEquals(new int[][] {{2}, {2, 1, 2}}, local.example(0).ids());
    assertArrayEquals(new int[][] {{1}, {0}}, local.example(1).ids()); // an empty bag is stored as the OOV row
    assertArrayEquals(new int[][] {{2}, {3}}, local.example(2).ids());
    assertEquals(block.label(0), local.label(0));
    assertThrows(IllegalArgumentException.class, () -> block.withRowsOf(new int[][] {{0, 12}, {0, 3, 5, 300}}));
    assertArrayEquals(new int[][] {{0, 12, 70_000}, {0, 300}}, block.touchedRows(1, 3)); // a range of examples
    assertArrayEquals(new int[][] {{0, 70_000}, {0, 3, 5}}, block.touchedRows(0, 1));
  }

  @Test
  void batchesMatchTheListOfExamplesInAnyOrder() {
    List<Example> list = examples(3000, 1); // past the builder's first capacity, so it grows
    ExampleBlock block = ExampleBlock.of(list, 3);
    assertEquals(3000, block.size());
    int[] order = Shuffles.range(100, 2900, new Random(5));
    for (int from = 0; from < order.length; from += 512) {
      int to = Math.min(order.length, from + 512);
      List<Example> picked = new ArrayList<>();
      for (int i = from; i < to; i++) {
        picked.add(list.get(order[i]));
      }
      assertSameBatch(Batch.of(picked, ROWS), block.batch(order, from, to, ROWS));
    }
  }

  @Test
  void scalarFieldsKeepNoOffsets() {
    ExampleBlock scalar = ExampleBlock.of(examples(1000, 2).stream()
        .map(e -> Example.single(e.label(), e.ids()[0][0], e.ids()[2][0])).toList(), 2);
    assertEquals(1000 + 2 * 1000, scalar.bytes(), "a label byte and one id byte per field and row");
    ExampleBlock withList = ExampleBlock.of(examples(1000, 2), 3);
    assertTrue(withList.bytes() >= scalar.bytes() + 4L * 1001, "the list field keeps offsets");
  }

  @Test
  void idsTakeTheNarrowestWidthThatHoldsTheFieldsLargest() throws Exception {
    int[] largest = {255, 256, 65_535, 65_536, Integer.MAX_VALUE};
    long[] bytesPerId = {1, 2, 2, 4, 4};
    for (int k = 0; k < largest.length; k++) {
      List<Example> list = new ArrayList<>();
      for (int r = 0; r < 100; r++) {
        list.add(new Example(r % 2, new int[][] {{r == 7 ? largest[k] : r}, {r, largest[k] - r}}));
      }
      ExampleBlock block = ExampleBlock.of(list, 2);
      long offsets = 4L * 101;
      assertEquals(100 + bytesPerId[k] * 300 + offsets, block.bytes(), "largest id " + largest[k]);
      ExampleBlock back = ExampleBlock.read(new DataInputStream(new ByteArrayInputStream(bytes(block))));
      for (int r = 0; r < 100; r++) {
        assertArrayEquals(list.get(r).ids()[0], back.example(r).ids()[0], "largest " + largest[k] + ", row " + r);
        assertArrayEquals(list.get(r).ids()[1], back.example(r).ids()[1], "largest " + largest[k] + ", row " + r);
      }
    }
    ExampleBlock negative = ExampleBlock.of(List.of(Example.single(1f, -3)), 1);
    assertEquals(1 + 4, negative.bytes(), "a negative id keeps 4 bytes");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> negative.batch(new int[] {0}, 0, 1, new int[] {5}));
    assertTrue(e.getMessage().contains("row id = -3"), e.getMessage());
  }

  @Test
  void aFieldBecomesAListAtItsFirstBag() {
    ExampleBlock.Builder b = new ExampleBlock.Builder(1);
    for (int r = 0; r < 5; r++) {
      b.id(0, r + 1);
      if (r == 3) {
        b.id(0, 9);
      }
      b.endRow(r % 2);
    }
    b.endRow(1); // no id at all: OOV
    ExampleBlock block = b.build();
    assertArrayEquals(new int[] {3}, block.example(2).ids()[0]);
    assertArrayEquals(new int[] {4, 9}, block.example(3).ids()[0]);
    assertArrayEquals(new int[] {5}, block.example(4).ids()[0]);
    assertArrayEquals(new int[] {FieldVocabulary.OOV}, block.example(5).ids()[0]);
    assertEquals(0f, block.example(4).label());
  }

  @Test
  void roundTripsThroughItsBinaryForm() throws Exception {
    ExampleBlock block = ExampleBlock.of(examples(200, 3), 3);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    block.write(new DataOutputStream(bytes));
    ExampleBlock back = ExampleBlock.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    int[] all = Shuffles.range(0, 200, new Random(1));
    assertSameBatch(block.batch(all, 0, 200, ROWS), back.batch(all, 0, 200, ROWS));
  }

  @Test
  void badIdsAndLabelsAreRefused() {
    ExampleBlock block = ExampleBlock.of(List.of(Example.single(1f, 7, 0, 0)), 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> block.batch(new int[] {0}, 0, 1, new int[] {5, 20, 30}));
    assertTrue(e.getMessage().contains("field 0: row id = 7 (expected 0..4)"), e.getMessage());
    ExampleBlock.Builder b = new ExampleBlock.Builder(1);
    assertThrows(IllegalArgumentException.class, () -> b.endRow(0.5f));
  }

  @Test
  void shuffledRangesFollowCollectionsShuffle() {
    for (int n : new int[] {0, 1, 4, 5, 1000}) {
      List<Integer> list = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        list.add(10 + i);
      }
      Collections.shuffle(list, new Random(n));
      assertArrayEquals(list.stream().mapToInt(Integer::intValue).toArray(), Shuffles.range(10, 10 + n,
          new Random(n)));
    }
  }

  private static byte[] bytes(ExampleBlock b) throws java.io.IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    b.write(new DataOutputStream(out));
    return out.toByteArray();
  }

  @Test
  void aPermutedBlockEqualsTheBlockBuiltInThatOrder() throws Exception {
    List<Example> list = examples(2000, 5);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(9));
    List<Example> reordered = order.stream().map(list::get).toList();
    ExampleBlock permuted = ExampleBlock.of(list, 3).permuted(order.stream().mapToInt(Integer::intValue).toArray());
    assertArrayEquals(bytes(ExampleBlock.of(reordered, 3)), bytes(permuted));
    ExampleBlock scalar = ExampleBlock.of(List.of(Example.single(1f, 1, 2), Example.single(0f, 3, 4)), 2);
    assertArrayEquals(bytes(ExampleBlock.of(List.of(Example.single(0f, 3, 4), Example.single(1f, 1, 2)), 2)),
        bytes(scalar.permuted(new int[] {1, 0})), "fields without offsets stay without");
  }

  @Test
  void rowsCompareByLabelThenIdsFieldByField() {
    ExampleBlock b = ExampleBlock.of(List.of(
        new Example(0f, new int[][] {{5}, {1, 2}}),
        new Example(0f, new int[][] {{5}, {1, 2}}),
        new Example(0f, new int[][] {{5}, {1, 2, 0}}),
        new Example(0f, new int[][] {{5}, {1, 3}}),
        new Example(0f, new int[][] {{6}, {0}}),
        new Example(1f, new int[][] {{0}, {0}})), 2);
    assertEquals(0, b.compareRows(0, 1));
    for (int r = 1; r < 5; r++) {
      assertTrue(b.compareRows(r, r + 1) < 0, "row " + r + " before row " + (r + 1));
      assertTrue(b.compareRows(r + 1, r) > 0, "row " + (r + 1) + " after row " + r);
    }
  }
}

package org.amtl.core.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What changed in a field between two days, matched by value (row ids follow counts and move). */
class TableDiffTest {
  static TableReader.FieldRows rows(String[] values, float[][] vectors) {
    return new TableReader.FieldRows(values, new long[values.length], vectors, null);
  }

  @Test
  void valuesAreMatchedByStringAndKeptRowsReportDimChangesAndDrift() {
    // day 1: a (dim 2), b (dim 1), c (dim 0); day 2: b moved to id 1 and grew, a shrank and turned, d is new
    TableReader.FieldRows older = rows(new String[] {null, "a", "b", "c"},
        new float[][] {{}, {1f, 0f}, {2f}, {}});
    TableReader.FieldRows newer = rows(new String[] {null, "b", "a", "d"},
        new float[][] {{}, {4f, 3f, 1f}, {0f}, {1f}});
    TableDiff.FieldDiff d = TableDiff.field("f", older, newer);
    assertEquals(1, d.added(), "d");
    assertEquals(1, d.removed(), "c");
    assertEquals(2, d.kept(), "a and b");
    assertEquals(new TreeMap<>(Map.of(-1, 1L, 2, 1L)), d.dimChange());
    // a's common prefix is [1] against [0]: all zeros on one side, so no angle; b's is [2] against [4]: cosine 1
    assertEquals(1, d.cosineRows());
    assertEquals(1.0, d.meanCosine(), 1e-12);
  }

  @Test
  void prefixCosineReadsTheDimsBothKeep() {
    assertEquals(0.0, TableDiff.prefixCosine(new float[] {1f, 0f, 5f}, new float[] {0f, 2f}), 1e-12);
    assertEquals(-1.0, TableDiff.prefixCosine(new float[] {1f, 1f}, new float[] {-2f, -2f, 7f}), 1e-12);
    assertTrue(Double.isNaN(TableDiff.prefixCosine(new float[] {}, new float[] {1f})));
  }
}

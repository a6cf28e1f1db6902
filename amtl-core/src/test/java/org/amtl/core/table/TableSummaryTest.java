package org.amtl.core.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.DimsByFrequency;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.model.Storage;
import org.junit.jupiter.api.Test;

/**
 * A table's summary built from the whole model equals the one merged from its parts in any order, and says what the
 * model says: its storage, and its mean dim per frequency bucket.
 */
class TableSummaryTest {
  @Test
  void partsMergedInAnyOrderGiveTheWholeModelsSummary() {
    SyntheticClickLog log = new SyntheticClickLog(3, 300, 1.1, 8, 3.0, 5);
    Vocabulary vocab = SyntheticClickLog.vocabulary(log.generate(3_000, 5, "train"), log.fields(), 1);
    CtrModel model = new CtrModel(AmtlConfig.defaults().with(Keys.EMBEDDING, EmbeddingVariant.AMTL)
        .with(Keys.DIM, 8).with(Keys.HIDDEN, new int[] {16}), vocab);
    int buckets = 6;
    int rowsPerPart = 10;
    TableSummary whole = TableSummary.of(model, buckets, rowsPerPart);

    int[][] kept = model.keptDims();
    List<TableSummary.Field> parts = new ArrayList<>();
    for (int f = 0; f < model.numFields(); f++) {
      FieldVocabulary fv = vocab.field(f);
      for (int from = 0; from < fv.rows(); from += rowsPerPart) {
        TableSummary.FieldBuilder b = new TableSummary.FieldBuilder(fv.name(), model.dim(), buckets);
        for (int id = from; id < Math.min(fv.rows(), from + rowsPerPart); id++) {
          b.add(id, fv.count(id), kept[f][id]);
        }
        parts.add(b.build(1));
      }
    }
    Collections.shuffle(parts, new java.util.Random(3));
    List<String> names = vocab.fields().stream().map(FieldVocabulary::name).toList();
    TableSummary merged = TableSummary.merge(model.dim(), model.params().size(), names, parts);

    assertEquals(whole.fields().size(), merged.fields().size());
    for (int f = 0; f < whole.fields().size(); f++) {
      TableSummary.Field a = whole.fields().get(f);
      TableSummary.Field b = merged.fields().get(f);
      assertEquals(a.name(), b.name());
      assertEquals(a.rows(), b.rows());
      assertEquals(TableFormat.parts(vocab.field(f).rows(), rowsPerPart), b.parts());
      assertEquals(a.parts(), b.parts());
      assertEquals(a.keptFloats(), b.keptFloats());
      assertArrayEquals(a.dimRows(), b.dimRows());
      assertArrayEquals(a.bucketDims(), b.bucketDims());
      assertArrayEquals(a.bucketRows(), b.bucketRows());
    }
    Storage storage = model.storage();
    assertArrayEquals(storage.keptFloats(), merged.storage().keptFloats());
    assertArrayEquals(storage.fixedFloats(), merged.storage().fixedFloats());
    assertEquals(storage.denseFloats(), merged.storage().denseFloats());
    DimsByFrequency dims = DimsByFrequency.of(model, buckets);
    assertArrayEquals(dims.meanAllFields(), merged.dimsByFrequency().meanAllFields());
    for (int f = 0; f < model.numFields(); f++) {
      assertArrayEquals(dims.meanPerField()[f], merged.dimsByFrequency().meanPerField()[f]);
    }
  }
}

package org.amtl.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.Example;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.train.LocalTrainer;
import org.junit.jupiter.api.Test;

/**
 * A model over a slice of the rows (only those a partition's examples touch, with the whole fields' statistics)
 * trains those rows to the same bits as the model over every row: what lets the job hold a partition's rows
 * alone. Checked for FBE and AMTL under the DNN and DeepFM heads.
 */
class SliceTrainingTest {
  @Test
  void aSliceStartsFromAndTrainsItsRowsAndTheDenseParametersToTheWholeModelsBits() {
    SyntheticClickLog log = new SyntheticClickLog(3, 400, 1.1, 8, 3.0, 5);
    Vocabulary vocab = SyntheticClickLog.vocabulary(log.generate(4_000, 5, "train"), log.fields(), 2);
    // a partition's examples: fewer than the vocabulary, so the slice leaves most rows out
    List<Example> part = SyntheticClickLog.encode(log.generate(300, 6, "part"), vocab);
    ExampleBlock block = ExampleBlock.of(part, vocab.numFields());
    int[][] touched = block.touchedRows();
    assertArrayEquals(touchedRows(part, vocab.numFields()), touched);
    Vocabulary slice = vocab.countsOnly().slice(touched);
    for (int f = 0; f < vocab.numFields(); f++) { // as a shard builds it, from its rows' ids and counts
      FieldVocabulary cut = slice.field(f);
      FieldVocabulary built = FieldVocabulary.sliceOf(cut.name(), touched[f], cut.counts(), vocab.field(f).stats());
      assertArrayEquals(cut.counts(), built.counts());
      assertEquals(cut.stats(), built.stats());
      for (int row = 0; row < touched[f].length; row++) {
        assertEquals(touched[f][row], built.globalId(row));
      }
    }
    ExampleBlock localBlock = block.withRowsOf(touched);
    List<Example> local = new ArrayList<>();
    for (int r = 0; r < localBlock.size(); r++) {
      local.add(localBlock.example(r));
      assertEquals(part.get(r).label(), local.get(r).label());
      assertArrayEquals(toLocal(part.get(r), touched).ids(), local.get(r).ids(), "example " + r);
    }
    for (EmbeddingVariant variant : List.of(EmbeddingVariant.FBE, EmbeddingVariant.AMTL)) {
      for (HeadType head : List.of(HeadType.DNN, HeadType.DEEPFM)) {
        String what = variant.key() + " under " + head;
        AmtlConfig config = AmtlConfig.defaults().with(Keys.EMBEDDING, variant).with(Keys.HEAD, head)
            .with(Keys.DIM, 8).with(Keys.HIDDEN, new int[] {16}).with(Keys.BATCH_SIZE, 32);
        CtrModel whole = new CtrModel(config, vocab.countsOnly());
        CtrModel sliced = new CtrModel(config, slice);
        assertTrue(sliced.tables().get(0).rows() < whole.tables().get(0).rows() / 2, what + ": a real slice");
        // nothing copied: the slice's rows and the dense parameters start from the whole model's bits

        forEachRow(whole, sliced, touched, (w, s, global, row) -> assertArrayEquals(
            Arrays.copyOfRange(w.values(), global * w.width(), (global + 1) * w.width()),
            Arrays.copyOfRange(s.values(), row * s.width(), (row + 1) * s.width()), what + ": start of " + w.name()));
        new LocalTrainer(whole, 32).fit(part, 2, 7, null);
        new LocalTrainer(sliced, 32).fit(local, 2, 7, null);

        assertArrayEquals(whole.params().values(), sliced.params().values(), what + ": dense parameters");
        assertArrayEquals(whole.denseOptimizer().state(), sliced.denseOptimizer().state(), what + ": Adam state");
        forEachRow(whole, sliced, touched, (w, s, global, row) -> {
          assertArrayEquals(Arrays.copyOfRange(w.values(), global * w.width(), (global + 1) * w.width()),
              Arrays.copyOfRange(s.values(), row * s.width(), (row + 1) * s.width()),
              what + ": table " + w.name() + ", row " + global);
          assertArrayEquals(Arrays.copyOfRange(w.accumulators(), global * w.width(), (global + 1) * w.width()),
              Arrays.copyOfRange(s.accumulators(), row * s.width(), (row + 1) * s.width()),
              what + ": accumulators of table " + w.name() + ", row " + global);
        });
        if (variant == EmbeddingVariant.AMTL) {
          for (int f = 0; f < vocab.numFields(); f++) {
            int[] wholeDims = whole.embedding(f).keptDims();
            int[] sliceDims = sliced.embedding(f).keptDims();
            for (int row = 0; row < touched[f].length; row++) {
              assertEquals(wholeDims[touched[f][row]], sliceDims[row], what + ": kept dims, field " + f);
            }
          }
        }
      }
    }
  }

  @Test
  void variantsWhoseRowsShareParametersAreRefusedOnASliceByName() {
    SyntheticClickLog log = new SyntheticClickLog(2, 50, 1.1, 4, 3.0, 5);
    Vocabulary vocab = SyntheticClickLog.vocabulary(log.generate(500, 5, "train"), log.fields(), 1);
    Vocabulary slice = vocab.slice(new int[][] {{0, 1, 3}, {0, 2}});
    for (EmbeddingVariant variant : EmbeddingVariant.values()) {
      AmtlConfig config = AmtlConfig.defaults().with(Keys.EMBEDDING, variant).with(Keys.DIM, 8);
      if (variant.trainsOnSlices()) {
        assertEquals(3, new CtrModel(config, slice).embedding(0).rows());
      } else {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CtrModel(config, slice));
        assertTrue(e.getMessage().contains("model.embedding=" + variant.key()), e.getMessage());
      }
    }
  }

  /** Each field's rows the examples touch, ascending, OOV first. */
  static int[][] touchedRows(List<Example> examples, int fields) {
    int[][] rows = new int[fields][];
    for (int f = 0; f < fields; f++) {
      TreeSet<Integer> ids = new TreeSet<>(List.of(0));
      for (Example e : examples) {
        for (int id : e.ids()[f]) {
          ids.add(id);
        }
      }
      rows[f] = ids.stream().mapToInt(Integer::intValue).toArray();
    }
    return rows;
  }

  static Example toLocal(Example e, int[][] touched) {
    int[][] ids = new int[e.ids().length][];
    for (int f = 0; f < ids.length; f++) {
      int[] rows = touched[f];
      ids[f] = Arrays.stream(e.ids()[f]).map(id -> Arrays.binarySearch(rows, id)).toArray();
    }
    return new Example(e.label(), ids);
  }

  interface RowVisitor {
    void visit(EmbeddingTable whole, EmbeddingTable slice, int globalRow, int sliceRow);
  }

  /** Visits every touched row of every field's tables (embedding and first-order weights) in both models. */
  static void forEachRow(CtrModel whole, CtrModel sliced, int[][] touched, RowVisitor visitor) {
    for (int f = 0; f < whole.numFields(); f++) {
      List<EmbeddingTable> w = new ArrayList<>(whole.embedding(f).tables());
      List<EmbeddingTable> s = new ArrayList<>(sliced.embedding(f).tables());
      if (!whole.wideTables().isEmpty()) {
        w.add(whole.wideTables().get(f));
        s.add(sliced.wideTables().get(f));
      }
      for (int t = 0; t < w.size(); t++) {
        for (int row = 0; row < touched[f].length; row++) {
          visitor.visit(w.get(t), s.get(t), touched[f][row], row);
        }
      }
    }
  }
}

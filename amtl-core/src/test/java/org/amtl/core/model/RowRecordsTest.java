package org.amtl.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.Example;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.train.LocalTrainer;
import org.junit.jupiter.api.Test;

/**
 * One averaging round, two ways: today's (every partition trains a copy of the whole model, {@link
 * ModelState#average} combines their touched rows) and the sharded one (every partition trains a model over its
 * slice, filled from records; its changed rows come back as records and {@link RowRecords#mean} combines each row's
 * copies in partition order). Same dense state, same rows, to the bit.
 */
class RowRecordsTest {
  @Test
  void aRoundThroughSlicesAndRecordsEndsAtTheAverageOfWholeCopies() {
    SyntheticClickLog log = new SyntheticClickLog(3, 300, 1.1, 8, 3.0, 5);
    Vocabulary values = SyntheticClickLog.vocabulary(log.generate(3_000, 5, "train"), log.fields(), 2);
    List<List<Example>> partitions = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      partitions.add(SyntheticClickLog.encode(log.generate(200, 10 + p, "part"), values));
    }
    Vocabulary vocab = values.countsOnly();
    for (HeadType head : List.of(HeadType.DNN, HeadType.DEEPFM)) {
      AmtlConfig config = AmtlConfig.defaults().with(Keys.EMBEDDING, EmbeddingVariant.AMTL).with(Keys.HEAD, head)
          .with(Keys.DIM, 8).with(Keys.HIDDEN, new int[] {16}).with(Keys.BATCH_SIZE, 32);
      CtrModel start = new CtrModel(config, vocab);
      List<ModelState> copies = new ArrayList<>();
      long[] weights = new long[partitions.size()];
      // the sharded round's pushes, per field: global row -> (copies in partition order, their masks)
      List<java.util.TreeMap<Integer, List<float[]>>> pushed = new ArrayList<>();
      List<java.util.TreeMap<Integer, List<Integer>>> masks = new ArrayList<>();
      for (int f = 0; f < vocab.numFields(); f++) {
        pushed.add(new java.util.TreeMap<>());
        masks.add(new java.util.TreeMap<>());
      }
      List<ModelState> slicedDense = new ArrayList<>();
      for (int p = 0; p < partitions.size(); p++) {
        CtrModel whole = new CtrModel(config, vocab);
        whole.load(start.snapshot());
        whole.clearTouched();
        weights[p] = new LocalTrainer(whole, 32).train(partitions.get(p).iterator(), null).examples();
        copies.add(whole.snapshotTouched());

        ExampleBlock block = ExampleBlock.of(partitions.get(p), vocab.numFields());
        int[][] rows = block.touchedRows();
        CtrModel sliced = new CtrModel(config, vocab.slice(rows));
        for (int f = 0; f < vocab.numFields(); f++) {
          for (int r = 0; r < rows[f].length; r++) { // the pull
            RowRecords.write(sliced, f, r, RowRecords.read(start, f, rows[f][r]));
          }
        }
        sliced.clearTouched();
        ExampleBlock local = block.withRowsOf(rows);
        List<Example> localExamples = new ArrayList<>();
        for (int i = 0; i < local.size(); i++) {
          localExamples.add(local.example(i));
        }
        new LocalTrainer(sliced, 32).train(localExamples.iterator(), null);
        slicedDense.add(sliced.snapshotTouched());
        for (int f = 0; f < vocab.numFields(); f++) { // the push: changed rows only
          for (int r = 0; r < rows[f].length; r++) {
            int mask = RowRecords.touchedMask(sliced, f, r);
            if (mask != 0) {
              pushed.get(f).computeIfAbsent(rows[f][r], k -> new ArrayList<>()).add(RowRecords.read(sliced, f, r));
              masks.get(f).computeIfAbsent(rows[f][r], k -> new ArrayList<>()).add(mask);
            }
          }
        }
      }
      CtrModel today = new CtrModel(config, vocab);
      today.load(start.snapshot());
      today.load(ModelState.average(copies, weights));
      ModelState dense = ModelState.average(slicedDense.stream().map(RowRecordsTest::denseOnly).toList(), weights);
      assertArrayEquals(today.snapshot().dense(), dense.dense(), head + ": dense parameters");
      for (int f = 0; f < vocab.numFields(); f++) {
        int[] widths = RowRecords.widths(start, f);
        for (var row : pushed.get(f).entrySet()) {
          float[] mean = RowRecords.mean(RowRecords.read(start, f, row.getKey()), row.getValue(),
              masks.get(f).get(row.getKey()).stream().mapToInt(Integer::intValue).toArray(), widths);
          assertArrayEquals(RowRecords.read(today, f, row.getKey()), mean, head + ": field " + f + ", row "
              + row.getKey());
        }
        for (EmbeddingTable t : RowRecords.tables(today, f)) { // and the rows no partition touched are as they were
          for (int id = 0; id < t.rows(); id++) {
            if (!pushed.get(f).containsKey(id)) {
              assertArrayEquals(RowRecords.read(start, f, id), RowRecords.read(today, f, id), "untouched row " + id);
            }
          }
        }
      }
    }
  }

  /** A state's dense part alone, its tables emptied: what the driver averages on the sharded path. */
  static ModelState denseOnly(ModelState s) {
    return s.withoutRows();
  }
}

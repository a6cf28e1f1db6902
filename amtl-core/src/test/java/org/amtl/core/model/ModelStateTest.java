package org.amtl.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.Batch;
import org.amtl.core.data.Example;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.train.LocalTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copy, average, serialize, save and load of model state. */
class ModelStateTest {
  static final AmtlConfig CONFIG = AmtlConfig.defaults().with(Keys.DIM, 8).with(Keys.HIDDEN, new int[] {16})
      .with(Keys.BATCH_SIZE, 64);

  static SyntheticClickLog log() {
    return new SyntheticClickLog(4, 300, 1.1, 8, 3.0, 17);
  }

  static Vocabulary vocab(List<SyntheticClickLog.Row> rows) {
    return SyntheticClickLog.vocabulary(rows, 4, 1);
  }

  static byte[] bytes(ModelState s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.write(new DataOutputStream(out));
    return out.toByteArray();
  }

  @Test
  void serializeRoundTripIsExact() throws IOException {
    List<SyntheticClickLog.Row> rows = log().generate(2000, 1, "a");
    Vocabulary v = vocab(rows);
    CtrModel model = new CtrModel(CONFIG, v);
    new LocalTrainer(model, 64).train(SyntheticClickLog.encode(rows, v).iterator(), null);
    for (ModelState s : List.of(model.snapshot(), model.snapshotTouched())) {
      byte[] b = bytes(s);
      ModelState back = ModelState.read(new DataInputStream(new ByteArrayInputStream(b)));
      assertArrayEquals(b, bytes(back));
    }
    byte[] b = bytes(model.snapshot());
    b[0] = 'X';
    IOException e = assertThrows(IOException.class,
        () -> ModelState.read(new DataInputStream(new ByteArrayInputStream(b))));
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
  }

  @Test
  void touchedSnapshotHoldsOnlyChangedRowsAndIsCompact() throws IOException {
    List<SyntheticClickLog.Row> rows = log().generate(300, 1, "b");
    List<SyntheticClickLog.Row> all = log().generate(20000, 1, "c");
    Vocabulary v = vocab(all);
    CtrModel model = new CtrModel(CONFIG, v);
    float[] before = model.tables().get(0).values().clone();
    new LocalTrainer(model, 64).train(SyntheticClickLog.encode(rows, v).iterator(), null);
    ModelState touched = model.snapshotTouched();
    ModelState.TableRows t0 = touched.tables().get(0);
    float[] after = model.tables().get(0).values();
    int w = t0.width();
    java.util.Set<Integer> held = new java.util.HashSet<>();
    for (int id : t0.rowIds()) {
      held.add(id);
    }
    for (int id = 0; id < t0.rows(); id++) {
      boolean changed = false;
      for (int j = 0; j < w; j++) {
        changed |= before[id * w + j] != after[id * w + j];
      }
      assertEquals(changed, held.contains(id), "row " + id);
    }
    assertTrue(touched.heldRows() < model.snapshot().heldRows() / 2, "a short pass touches few rows");
  }

  @Test
  void averageIsWeightedForDenseAndPerHolderForRows() {
    List<SyntheticClickLog.Row> rows = log().generate(4000, 1, "d");
    Vocabulary v = vocab(rows);
    List<Example> ex = SyntheticClickLog.encode(rows, v);
    CtrModel a = new CtrModel(CONFIG, v);
    CtrModel b = new CtrModel(CONFIG, v);
    CtrModel base = new CtrModel(CONFIG, v);
    new LocalTrainer(a, 64).train(ex.subList(0, 1000).iterator(), null);
    new LocalTrainer(b, 64).train(ex.subList(1000, 4000).iterator(), null);
    ModelState sa = a.snapshotTouched();
    ModelState sb = b.snapshotTouched();
    ModelState avg = ModelState.average(List.of(sa, sb), new long[] {1000, 3000});
    float[] da = sa.dense();
    float[] db = sb.dense();
    float[] dm = avg.dense();
    for (int i = 0; i < dm.length; i++) {
      assertEquals((float) ((1000.0 * da[i] + 3000.0 * db[i]) / 4000.0), dm[i], "dense " + i);
    }
    // rows: the mean over the copies that hold them
    ModelState.TableRows ta = sa.tables().get(1);
    ModelState.TableRows tb = sb.tables().get(1);
    ModelState.TableRows tm = avg.tables().get(1);
    int w = tm.width();
    for (int k = 0; k < tm.rowIds().length; k++) {
      int id = tm.rowIds()[k];
      int ia = java.util.Arrays.binarySearch(ta.rowIds(), id);
      int ib = java.util.Arrays.binarySearch(tb.rowIds(), id);
      for (int j = 0; j < w; j++) {
        double expected = ia >= 0 && ib >= 0 ? (ta.values()[ia * w + j] + (double) tb.values()[ib * w + j]) / 2
            : ia >= 0 ? ta.values()[ia * w + j] : tb.values()[ib * w + j];
        assertEquals((float) expected, tm.values()[k * w + j], "row " + id);
      }
    }
    // applying the average to a fresh copy leaves rows nobody touched at their initial values
    float[] init = base.tables().get(1).values().clone();
    base.load(avg);
    java.util.BitSet held = new java.util.BitSet();
    for (int id : tm.rowIds()) {
      held.set(id);
    }
    for (int id = held.nextClearBit(0); id < tm.rows(); id = held.nextClearBit(id + 1)) {
      for (int j = 0; j < w; j++) {
        assertEquals(init[id * w + j], base.tables().get(1).values()[id * w + j]);
      }
    }
  }

  @Test
  void averageOfIdenticalCopiesIsTheCopy() {
    List<SyntheticClickLog.Row> rows = log().generate(1000, 1, "e");
    Vocabulary v = vocab(rows);
    CtrModel a = new CtrModel(CONFIG, v);
    new LocalTrainer(a, 64).train(SyntheticClickLog.encode(rows, v).iterator(), null);
    ModelState s = a.snapshot();
    ModelState avg = ModelState.average(List.of(s, s, s), new long[] {5, 1, 2});
    assertArrayEquals(s.dense(), avg.dense());
    assertNull(avg.tables().get(0).rowIds());
    assertArrayEquals(s.tables().get(0).values(), avg.tables().get(0).values());
  }

  @Test
  void copyIsIndependentAndSaveLoadPredictsTheSame(@TempDir Path dir) throws IOException {
    List<SyntheticClickLog.Row> rows = log().generate(3000, 1, "f");
    for (EmbeddingVariant variant : EmbeddingVariant.values()) {
      for (HeadType head : HeadType.values()) {
        AmtlConfig c = CONFIG.with(Keys.EMBEDDING, variant).with(Keys.HEAD, head);
        Vocabulary v = vocab(rows);
        List<Example> ex = SyntheticClickLog.encode(rows, v);
        CtrModel model = new CtrModel(c, v);
        new LocalTrainer(model, 64).train(ex.iterator(), null);
        ModelState copy = model.snapshot();
        Batch batch = Batch.of(ex.subList(0, 200), model.rowsPerField());
        float[] p = model.predict(batch).clone();
        new LocalTrainer(model, 64).train(ex.iterator(), null);
        assertNotEquals(p[0], model.predict(batch)[0], "training changed the model");
        model.load(copy);
        assertArrayEquals(p, model.predict(batch), variant + "/" + head + " after load of the copy");

        Path file = dir.resolve(variant + "-" + head + ".model");
        ModelFile.save(model, file);
        CtrModel loaded = ModelFile.load(file);
        assertArrayEquals(p, loaded.predict(batch), variant + "/" + head + " after save + load");
        assertArrayEquals(model.keptDims()[0], loaded.keptDims()[0]);
        assertTrue(Files.exists(file) && !Files.exists(dir.resolve(file.getFileName() + ".tmp")));
      }
    }
  }

  @Test
  void sameSeedSameModelBitForBit() throws IOException {
    List<SyntheticClickLog.Row> rows = log().generate(2000, 1, "g");
    Vocabulary v = vocab(rows);
    List<Example> ex = SyntheticClickLog.encode(rows, v);
    byte[][] out = new byte[2][];
    for (int r = 0; r < 2; r++) {
      CtrModel m = new CtrModel(CONFIG, v);
      new LocalTrainer(m, 64).fit(ex, 2, 7, null);
      out[r] = bytes(m.snapshot());
    }
    assertArrayEquals(out[0], out[1]);
  }
}

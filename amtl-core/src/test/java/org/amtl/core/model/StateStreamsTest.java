package org.amtl.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.amtl.core.config.Keys;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.train.LocalTrainer;
import org.junit.jupiter.api.Test;

/** Streaming a model's state from and into its own arrays gives the bytes and the loads of the detached copy. */
class StateStreamsTest {
  private static byte[] streamed(CtrModel model, boolean touchedOnly) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new StateStreams().write(model, touchedOnly, new DataOutputStream(out));
    return out.toByteArray();
  }

  private static void readInto(byte[] b, CtrModel model) throws IOException {
    new StateStreams().readInto(new DataInputStream(new ByteArrayInputStream(b)), model);
  }

  /** A model trained on a short pass (few rows touched) over a vocabulary big enough for multi-chunk tables. */
  private static CtrModel trained(Vocabulary v, List<SyntheticClickLog.Row> rows) {
    CtrModel model = new CtrModel(ModelStateTest.CONFIG, v);
    model.clearTouched();
    new LocalTrainer(model, 64).train(SyntheticClickLog.encode(rows, v).iterator(), null);
    return model;
  }

  @Test
  void writesTheBytesOfTheDetachedCopy() throws IOException {
    Vocabulary v = SyntheticClickLog.vocabulary(new SyntheticClickLog(4, 5000, 1.1, 8, 3.0, 17)
        .generate(40000, 1, "all"), 4, 1);
    CtrModel model = trained(v, ModelStateTest.log().generate(300, 1, "pass"));
    assertTrue(model.tables().get(0).values().length > 16 * 1024, "a table spans several buffer chunks");
    assertArrayEquals(ModelStateTest.bytes(model.snapshot()), streamed(model, false));
    assertArrayEquals(ModelStateTest.bytes(model.snapshotTouched()), streamed(model, true));
  }

  @Test
  void readsWhatLoadingTheDetachedCopyLoads() throws IOException {
    List<SyntheticClickLog.Row> rows = ModelStateTest.log().generate(3000, 1, "r");
    Vocabulary v = ModelStateTest.vocab(rows);
    CtrModel source = trained(v, rows.subList(0, 2000));
    for (boolean touchedOnly : new boolean[] {false, true}) {
      CtrModel expected = trained(v, rows.subList(2000, 3000));
      CtrModel actual = trained(v, rows.subList(2000, 3000));
      expected.load(ModelState.read(new DataInputStream(new ByteArrayInputStream(streamed(source, touchedOnly)))));
      readInto(streamed(source, touchedOnly), actual);
      assertArrayEquals(ModelStateTest.bytes(expected.snapshot()), ModelStateTest.bytes(actual.snapshot()),
          touchedOnly ? "touched rows" : "all rows");
    }
  }

  @Test
  void refusesAStateOfAnotherModelOrWithNonFiniteValues() throws IOException {
    List<SyntheticClickLog.Row> rows = ModelStateTest.log().generate(2000, 1, "x");
    Vocabulary v = ModelStateTest.vocab(rows);
    CtrModel model = trained(v, rows);
    CtrModel wider = new CtrModel(ModelStateTest.CONFIG.with(Keys.DIM, 16), v);
    byte[] good = streamed(model, false);
    IOException other = assertThrows(IOException.class, () -> readInto(good, wider));
    assertTrue(other.getMessage().contains("dense parameters") || other.getMessage().contains("table"),
        other.getMessage());

    model.tables().get(0).values()[5] = Float.NaN;
    byte[] bad = streamed(model, false);
    IOException nan = assertThrows(IOException.class, () -> readInto(bad, new CtrModel(ModelStateTest.CONFIG, v)));
    assertTrue(nan.getMessage().contains("table 'field0") && nan.getMessage().contains("NaN"), nan.getMessage());

    byte[] cut = Arrays.copyOf(good, good.length / 2);
    assertThrows(java.io.EOFException.class, () -> readInto(cut, new CtrModel(ModelStateTest.CONFIG, v)));
  }
}

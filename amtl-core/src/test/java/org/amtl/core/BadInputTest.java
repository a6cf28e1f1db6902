package org.amtl.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.Batch;
import org.amtl.core.data.Example;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.metrics.AucSummary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.ModelState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input to the core API throws IllegalArgumentException naming the value and what was expected. */
class BadInputTest {
  static void assertMessage(Executable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }
  }

  static Vocabulary vocab(int values) {
    String[] v = new String[values];
    long[] c = new long[values + 1];
    for (int i = 0; i < values; i++) {
      v[i] = "v" + i;
      c[i + 1] = 100 - i;
    }
    return new Vocabulary(List.of(FieldVocabulary.ofRows("a", v, c), FieldVocabulary.ofRows("b", v, c)));
  }

  @Test
  void idOutOfRange() {
    assertMessage(() -> Batch.of(List.of(Example.single(1f, 1, 7)), new int[] {4, 4}), "row id = 7", "0..3",
        "field 1");
    assertMessage(() -> Batch.of(List.of(Example.single(1f, -1, 0)), new int[] {4, 4}), "row id = -1");
  }

  @Test
  void nanOrNonBinaryLabel() {
    assertMessage(() -> Example.single(Float.NaN, 1, 2), "label = NaN", "expected 0 or 1");
    assertMessage(() -> Example.single(0.5f, 1, 2), "label = 0.5", "expected 0 or 1");
  }

  @Test
  void nanScore() {
    assertMessage(() -> AucSummary.of(new float[] {0.1f, Float.NaN}, new float[] {0, 1}, 2), "score 1 = NaN");
  }

  @Test
  void wrongDimension() {
    CtrModel small = new CtrModel(AmtlConfig.defaults().with(Keys.DIM, 4), vocab(3));
    CtrModel large = new CtrModel(AmtlConfig.defaults().with(Keys.DIM, 8), vocab(3));
    ModelState state = small.snapshot();
    assertMessage(() -> large.load(state), "expected");
    assertMessage(() -> small.forward(Batch.of(List.of(Example.single(1f, 1)), new int[] {4}), false),
        "batch has 1 fields", "expected 2");
    assertMessage(() -> Batch.of(List.of(Example.single(1f, 1)), new int[] {4, 4}), "has 1 fields", "expected 2");
  }

  @Test
  void nanInLoadedState() {
    CtrModel model = new CtrModel(AmtlConfig.defaults().with(Keys.DIM, 4), vocab(3));
    model.params().values()[3] = Float.NaN;
    ModelState bad = model.snapshot();
    CtrModel fresh = new CtrModel(AmtlConfig.defaults().with(Keys.DIM, 4), vocab(3));
    assertMessage(() -> fresh.load(bad), "dense value 3 = NaN");
  }

  @Test
  void configValuesOutOfRange() {
    AmtlConfig c = AmtlConfig.defaults();
    assertMessage(() -> c.withRaw("model.dim", "0"), "model.dim", "'0'", "[1, 255]");
    assertMessage(() -> c.withRaw("amtl.temperature", "0"), "amtl.temperature", "'0.0'", "(0.0");
    assertMessage(() -> c.withRaw("optim.embedding.learningRate", "-0.1"), "optim.embedding.learningRate");
    assertMessage(() -> c.withRaw("optim.dense.learningRate", "NaN"), "optim.dense.learningRate", "NaN");
    assertMessage(() -> c.withRaw("model.dim", "abc"), "model.dim", "'abc'", "int");
    assertMessage(() -> c.withRaw("model.embedding", "big"), "model.embedding", "'big'", "amtl");
    assertMessage(() -> c.withRaw("model.hidden", "64,-1"), "model.hidden", "64,-1");
    assertMessage(() -> c.withRaw("no.such.key", "1"), "unknown config key 'no.such.key'");
    assertMessage(() -> c.withAll(props(Map.of("train.batchSize", "0"))), "train.batchSize", "'0'");
    assertMessage(() -> new CtrModel(c.with(Keys.DIM, 4).withRaw("model.embedding", "autoemb"), vocab(3)),
        "autoemb.candidates", "8", "model.dim = 4");
  }

  @Test
  void badVocabulary() {
    assertMessage(() -> FieldVocabulary.ofRows("f", new String[] {"a", "b"}, new long[] {0, 1, 5}),
        "count of row 2 = 5", "ordered by count");
    assertMessage(() -> FieldVocabulary.fromCounts("f", Map.of("x", -3L), 1), "'x'", "-3");
    assertMessage(() -> new Vocabulary(List.of()), "0 fields");
  }

  static java.util.Properties props(Map<String, String> m) {
    java.util.Properties p = new java.util.Properties();
    p.putAll(m);
    return p;
  }
}

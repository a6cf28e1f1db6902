package org.amtl.core.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.Batch;
import org.amtl.core.data.Example;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.metrics.EvalSummary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.model.HeadType;
import org.amtl.core.train.LocalTrainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A model rebuilt from its published table scores exactly as the trained model did: for every embedding variant
 * and head, the same probabilities bit for bit (in one batch and one example at a time), the same AUC, logloss and
 * calibration, and {@code embed} gives the d-vector the trained model used for a value.
 */
class TableScorerTest {
  static final int FIELDS = 3;
  static final Configuration CONF = new Configuration();

  static List<Arguments> variantsAndHeads() {
    List<Arguments> out = new ArrayList<>();
    for (EmbeddingVariant v : EmbeddingVariant.values()) {
      for (HeadType h : HeadType.values()) {
        out.add(Arguments.of(v, h));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} under {1}")
  @MethodSource("variantsAndHeads")
  void theTablesModelScoresBitForBitAsTheTrainedModel(EmbeddingVariant variant, HeadType head) throws Exception {
    SyntheticClickLog log = new SyntheticClickLog(FIELDS, 300, 1.1, 8, 2.0, 7);
    List<SyntheticClickLog.Row> train = log.generate(4000, 1, "train");
    List<SyntheticClickLog.Row> test = log.generate(1000, 2, "test");
    AmtlConfig config = AmtlConfig.defaults().with(Keys.EMBEDDING, variant).with(Keys.HEAD, head)
        .with(Keys.DIM, 8).with(Keys.HIDDEN, new int[] {16}).with(Keys.MIN_COUNT, 2L)
        .with(Keys.AUTOEMB_CANDIDATES, new int[] {2, 4});
    Vocabulary vocab = SyntheticClickLog.vocabulary(train, FIELDS, 2);
    CtrModel trained = new CtrModel(config, vocab);
    new LocalTrainer(trained, 128).fit(SyntheticClickLog.encode(train, vocab), 1, 3, null);
    Path dir = publish(trained, config, Files.createTempDirectory("scorer").resolve("run"));

    TableScorer scorer = TableScorer.load(dir, CONF);
    List<Example> encoded = SyntheticClickLog.encode(test, vocab);
    List<Map<String, String>> raw = new ArrayList<>();
    for (SyntheticClickLog.Row r : test) {
      Map<String, String> ex = new HashMap<>();
      for (int f = 0; f < FIELDS; f++) {
        ex.put("C" + (f + 1), SyntheticClickLog.valueOf(f, r.ranks()[f]));
      }
      raw.add(ex);
    }
    float[] expected = trained.predict(Batch.of(encoded, trained.rowsPerField()));
    float[] together = scorer.predict(raw);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(together[i]), "example " + i);
      if (i < 50) {
        assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(scorer.predict(raw.get(i))),
            "example " + i + " alone");
      }
    }

    EvalSummary before = new LocalTrainer(trained, 128).evaluate(encoded.iterator(), 4).summary();
    EvalSummary after = new LocalTrainer(scorer.model(), 128).evaluate(encoded.iterator(), 4).summary();
    assertEquals(before.auc(), after.auc(), 0.0);
    assertEquals(before.logloss(), after.logloss(), 0.0);
    assertEquals(before.calibration(), after.calibration(), 0.0);
    assertTrue(before.auc() > 0.55, "a trained model: AUC " + before.auc());

    for (int f = 0; f < FIELDS; f++) {
      String field = "C" + (f + 1);
      for (String value : new String[] {SyntheticClickLog.valueOf(f, 1), SyntheticClickLog.valueOf(f, 40),
          "never-seen", null}) {
        int id = vocab.field(f).idOf(value);
        float[] used = new float[8];
        trained.embedding(f).forward(new int[] {0, 1}, new int[] {id}, 1, used, 0, 8, false);
        assertSameNumbers(used, scorer.embed(field, value), field + " = " + value);
      }
    }
    try (TableReader table = TableReader.open(dir, CONF)) {
      if (variant.storedRow() == EmbeddingVariant.StoredRow.PREFIX) {
        assertEquals(8, table.lookupPadded("C1", SyntheticClickLog.valueOf(0, 1)).length);
      } else { // a projected row padded with zeros is not what the model used
        IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> table.lookupPadded("C1", SyntheticClickLog.valueOf(0, 1)));
        assertTrue(refused.getMessage().contains("TableScorer.embed"), refused.getMessage());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("prefixVariants")
  void anUnknownValueAndAMissingFieldTakeTheOutOfVocabularyRow(EmbeddingVariant variant) throws Exception {
    SyntheticClickLog log = new SyntheticClickLog(FIELDS, 50, 1.1, 4, 2.0, 7);
    List<SyntheticClickLog.Row> train = log.generate(500, 1, "train");
    AmtlConfig config = AmtlConfig.defaults().with(Keys.EMBEDDING, variant).with(Keys.DIM, 4)
        .with(Keys.HIDDEN, new int[] {8});
    Vocabulary vocab = SyntheticClickLog.vocabulary(train, FIELDS, 1);
    CtrModel trained = new CtrModel(config, vocab);
    new LocalTrainer(trained, 64).fit(SyntheticClickLog.encode(train, vocab), 1, 3, null);
    Path dir = publish(trained, config, Files.createTempDirectory("scorer").resolve("run"));
    TableScorer scorer = TableScorer.load(dir, CONF);

    String known = SyntheticClickLog.valueOf(0, 1);
    float expected = trained.predict(Batch.of(List.of(Example.single(0f, vocab.field(0).idOf(known), 0, 0)),
        trained.rowsPerField()))[0];
    Map<String, String> partial = new HashMap<>();
    partial.put("C1", known);
    partial.put("C2", "never-seen");
    assertEquals(expected, scorer.predict(partial), 0f);
    // for a prefix variant, the vector the model used is the stored one padded with zeros
    try (TableReader table = TableReader.open(dir, CONF)) {
      for (String value : new String[] {known, SyntheticClickLog.valueOf(0, 30), "never-seen"}) {
        assertSameNumbers(table.lookupPadded("C1", value), scorer.embed("C1", value), value);
      }
    }
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> scorer.predict(Map.of("C9", "x")));
    assertTrue(unknown.getMessage().contains("field 'C9' is not in the table"), unknown.getMessage());
  }

  /**
   * Equal as numbers, element by element: a dim that AMTL's mask closes is 0 times the trained value in the trained
   * model (-0.0 when that value is negative) and 0 times the zero the table restores in the rebuilt one (+0.0).
   */
  static void assertSameNumbers(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int j = 0; j < expected.length; j++) {
      assertEquals(expected[j], actual[j], 0f, what + ", dim " + j);
    }
  }

  static List<EmbeddingVariant> prefixVariants() {
    return List.of(EmbeddingVariant.FBE, EmbeddingVariant.AMTL);
  }

  /** Writes {@code model}'s table and manifest under {@code folder}, as the job publishes a run. */
  static Path publish(CtrModel model, AmtlConfig config, java.nio.file.Path folder) throws Exception {
    Path dir = new Path(folder.toUri());
    FileSystem fs = dir.getFileSystem(CONF);
    List<String> files = TableWriter.write(model, dir, CONF, 1000);
    TableSummary summary = TableSummary.of(model, config.getInt(Keys.FREQUENCY_BUCKETS), 1000);
    List<Boolean> lists = new ArrayList<>();
    for (int f = 0; f < model.numFields(); f++) {
      lists.add(false);
    }
    ObjectNode manifest = ManifestBuilder.build(summary, config, List.of(), new EvalSummary(),
        new org.amtl.core.metrics.BucketedAuc(model.numFields(), config.getInt(Keys.FREQUENCY_BUCKETS)),
        new ManifestBuilder.RunFacts("run", List.of(), 0, 0, lists, HotStartSource.NONE, 0, 0));
    manifest.set("files", Manifest.fileEntries(fs, dir, files));
    Manifest.write(manifest, dir, CONF);
    return dir;
  }
}

package org.amtl.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.Example;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.table.HotStart;
import org.amtl.core.table.Manifest;
import org.amtl.core.table.ManifestBuilder;
import org.amtl.core.table.TableReader;
import org.amtl.core.table.TableSummary;
import org.amtl.core.table.TableWriter;
import org.amtl.core.train.LocalTrainer;
import org.amtl.core.train.RoundStats;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every registered embedding variant under every head goes the whole way: it trains, its table is written with a
 * manifest that verifies, the reader gives each row the dim the model kept, and a new model hot-starts from it
 * (taking the stored vectors as its rows' leading dims) or refuses by name. A variant cannot be half added.
 */
class EmbeddingVariantTest {
  @TempDir
  Path dir;

  @Test
  void everyVariantUnderEveryHeadTrainsPublishesReadsAndHotStartsOrIsRefused() throws Exception {
    SyntheticClickLog log = new SyntheticClickLog(3, 300, 1.1, 8, 3.0, 5);
    List<SyntheticClickLog.Row> rows = log.generate(3_000, 5, "train");
    Vocabulary vocab = SyntheticClickLog.vocabulary(rows, log.fields(), 1);
    List<Example> train = SyntheticClickLog.encode(rows, vocab);
    List<Example> test = SyntheticClickLog.encode(log.generate(600, 5, "test"), vocab);
    Configuration conf = new Configuration();
    for (EmbeddingVariant variant : EmbeddingVariant.values()) {
      assertEquals(variant, EmbeddingVariant.byKey(variant.key()));
      for (HeadType head : HeadType.values()) {
        String what = variant.key() + " under " + head;
        AmtlConfig config = AmtlConfig.defaults().with(Keys.EMBEDDING, variant).with(Keys.HEAD, head)
            .with(Keys.DIM, 8).with(Keys.HIDDEN, new int[] {16}).with(Keys.BATCH_SIZE, 64);
        CtrModel model = new CtrModel(config, vocab);
        LocalTrainer trainer = new LocalTrainer(model, 64);
        LocalTrainer.Result trained = trainer.fit(train, 1, 1, null);
        LocalTrainer.Evaluation eval = trainer.evaluate(test.iterator(), 8);
        assertTrue(eval.summary().auc() > 0.5, what + ": AUC " + eval.summary().auc());

        org.apache.hadoop.fs.Path table = new org.apache.hadoop.fs.Path(dir.resolve(what.replace(' ', '-')).toUri());
        int rowsPerPart = 120; // every field of this vocabulary (about 300 values) spans several parts
        List<String> files = TableWriter.write(model, table, conf, rowsPerPart);
        ObjectNode manifest = ManifestBuilder.build(TableSummary.of(model, 8, rowsPerPart), config,
            List.of(new RoundStats(1, trained.meanLoss(), trained.examples(), 1.0, Double.NaN, Double.NaN)),
            eval.summary(), eval.perBucket(), new ManifestBuilder.RunFacts("t", List.of(), train.size(),
                test.size(), List.of(false, false, false), org.amtl.core.table.HotStartSource.NONE, 0L, 0));
        assertTrue(manifest.path("fields").get(0).path("parts").asInt() > 1, what + ": several parts");
        assertTrue(manifest.path("run").path("kernels").asText().startsWith("ours ("), what + ": the kernels that ran, "
            + manifest.path("run").path("kernels"));
        FileSystem fs = table.getFileSystem(conf);
        manifest.set("files", Manifest.fileEntries(fs, table, files));
        Manifest.write(manifest, table, conf);
        assertEquals(List.of(), Manifest.verify(table, conf), what);

        try (TableReader reader = TableReader.open(table, conf)) {
          assertEquals(variant.key(), reader.manifest().path("model").path("embedding").asText(), what);
          int[][] kept = model.keptDims();
          for (int f = 0; f < vocab.numFields(); f++) {
            TableReader.FieldRows stored = reader.field(vocab.field(f).name());
            assertEquals(vocab.field(f).rows(), stored.size(), what);
            for (int id = 0; id < stored.size(); id++) {
              assertEquals(kept[f][id], stored.dim(id), what + " field " + f + " row " + id);
            }
          }
          CtrModel started = new CtrModel(config.with(Keys.SEED, 99L), vocab);
          if (variant.hotStarts()) {
            HotStart.Result carried = HotStart.apply(started, table, reader);
            assertEquals(vocab.fields().stream().mapToLong(FieldVocabulary::rows).sum(), carried.rowsCopied(),
                what + ": the same vocabulary, every row carried");
            TableReader.FieldRows first = reader.field(vocab.field(0).name());
            float[] row = started.embedding(0).tables().get(0).values();
            int d = started.dim();
            for (int id = 0; id < first.size(); id++) {
              float[] vector = first.vector(id);
              assertArrayEquals(vector, Arrays.copyOfRange(row, id * d, id * d + vector.length), what + " row " + id);
            }
            assertEquals(head != HeadType.DNN, first.hasWeights(), what + ": first-order weights stored");
            for (int id = 0; id < first.size() && first.hasWeights(); id++) {
              assertEquals(model.wideTables().get(0).values()[id], first.weight(id), what + " weight of row " + id);
              assertEquals(first.weight(id), started.wideTables().get(0).values()[id], what + " weight carried");
            }
          } else {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> HotStart.apply(started, table, reader));
            assertTrue(refused.getMessage().contains(variant.key()), refused.getMessage());
          }
        }
      }
    }
  }
}

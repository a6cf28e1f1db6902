package org.amtl.core.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.model.HeadType;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * A table published by the job before format version 2 (src/test/resources/tables/v1-deepfm: AMTL under DeepFM, two
 * fields of 40 values, written by commit 4f1322b) still validates, reads, and hot-starts a model: its first-order
 * weights, which version 1 kept in the dense file, come with their rows.
 */
class VersionOneTableTest {
  @Test
  void aVersionOneTableValidatesReadsAndHotStarts() throws Exception {
    Path dir = new Path(VersionOneTableTest.class.getResource("/tables/v1-deepfm").toURI());
    Configuration conf = new Configuration();
    assertEquals(List.of(), Manifest.verify(dir, conf));
    try (TableReader table = TableReader.open(dir, conf)) {
      assertEquals(1, table.manifest().path("format").path("version").asInt());
      TableReader.DenseTensor wide = table.denseTensors().get("field1.wide");
      TableReader.FieldRows c2 = table.field("C2");
      assertEquals(41, c2.size());
      assertTrue(c2.hasWeights(), "version 1 weights are read from the dense file");
      for (int id = 0; id < c2.size(); id++) {
        assertEquals(wide.values()[id], c2.weight(id), "row " + id);
      }

      List<FieldVocabulary> fields = new ArrayList<>();
      for (String name : table.fields()) {
        TableReader.FieldRows rows = table.field(name);
        String[] values = new String[rows.size() - 1];
        long[] counts = new long[rows.size() - 1];
        for (int id = 1; id < rows.size(); id++) {
          values[id - 1] = rows.value(id);
          counts[id - 1] = rows.count(id);
        }
        fields.add(FieldVocabulary.fromCounts(name, values, counts, 1));
      }
      // the scorer reads it too: the vector its model uses for a value is the stored one, padded
      TableScorer scorer = TableScorer.load(dir, conf);
      for (int id = 0; id < c2.size(); id += 7) {
        float[] used = scorer.embed("C2", c2.value(id));
        float[] padded = table.lookupPadded("C2", c2.value(id));
        for (int j = 0; j < used.length; j++) {
          assertEquals(padded[j], used[j], 0f, "C2 row " + id + ", dim " + j);
        }
      }
      assertTrue(scorer.predict(java.util.Map.of("C2", c2.value(1))) > 0f);

      CtrModel model = new CtrModel(AmtlConfig.defaults().with(Keys.EMBEDDING, EmbeddingVariant.AMTL)
          .with(Keys.HEAD, HeadType.DEEPFM).with(Keys.DIM, 4).with(Keys.HIDDEN, new int[] {8}), new Vocabulary(fields));
      HotStart.Result carried = HotStart.apply(model, dir, table);
      assertEquals(82, carried.rowsCopied());
      for (int id = 0; id < c2.size(); id++) {
        int at = model.vocabulary().field(1).idOf(c2.value(id));
        assertEquals(c2.weight(id), model.wideTables().get(1).values()[at], "weight of " + c2.value(id));
        float[] row = java.util.Arrays.copyOfRange(model.embedding(1).tables().get(0).values(), at * 4,
            at * 4 + c2.dim(id));
        assertArrayEquals(c2.vector(id), row, "vector of " + c2.value(id));
      }
    }
  }
}

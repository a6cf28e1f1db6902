package org.amtl.core.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.amtl.core.GradCheck;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.Batch;
import org.amtl.core.data.Example;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.layers.EmbeddingTable;
import org.amtl.core.layers.LogisticLoss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every embedding variant under every head: the whole model's gradients against differences of the loss. */
class ModelGradientTest {
  static Vocabulary tinyVocabulary() {
    return new Vocabulary(List.of(
        FieldVocabulary.ofRows("user", new String[] {"u1", "u2", "u3"}, new long[] {0, 500, 20, 2}),
        FieldVocabulary.ofRows("item", new String[] {"i1", "i2", "i3", "i4"}, new long[] {0, 90, 60, 7, 1}),
        FieldVocabulary.ofRows("genres", new String[] {"g1", "g2"}, new long[] {0, 40, 3})));
  }

  static Batch tinyBatch() {
    List<Example> ex = List.of(
        new Example(1f, new int[][] {{1}, {2}, {1, 2}}),
        new Example(0f, new int[][] {{3}, {0}, {2}}));
    return Batch.of(ex, new int[] {4, 5, 3});
  }

  static AmtlConfig tinyConfig(EmbeddingVariant variant, HeadType head) {
    return AmtlConfig.defaults()
        .with(Keys.EMBEDDING, variant)
        .with(Keys.HEAD, head)
        .with(Keys.DIM, 4)
        .with(Keys.HIDDEN, new int[] {5})
        .with(Keys.AML_HIDDEN, 6)
        .with(Keys.AUTOEMB_CANDIDATES, new int[] {1, 2})
        .with(Keys.AUTOEMB_HIDDEN, 5)
        .with(Keys.MDE_BLOCKS, 2)
        .with(Keys.STE, false) // the soft path is differentiable; the STE backward equals it (LayerGradientTest)
        .with(Keys.EMBEDDING_INIT, 1.0)
        .with(Keys.TEMPERATURE, 0.3) // sharper selection: larger AML gradients, above the float noise of the loss
        .with(Keys.SEED, 5L);
  }

  @ParameterizedTest
  @EnumSource(HeadType.class)
  void everyVariantUnderEveryHead(HeadType head) {
    for (EmbeddingVariant variant : EmbeddingVariant.values()) {
      CtrModel model = new CtrModel(tinyConfig(variant, head), tinyVocabulary());
      Batch batch = tinyBatch();
      float[] dlogits = new float[batch.size()];
      GradCheck check = new GradCheck(2e-3).addDense(model.params());
      for (EmbeddingTable t : model.tables()) {
        check.addTable(t);
      }
      Map<String, Double> errors = check.run(() -> {
        model.zeroGrad();
        float[] z = model.forward(batch, true);
        LogisticLoss.backward(z, batch.labels(), batch.size(), dlogits);
        model.backward(dlogits);
      }, () -> LogisticLoss.forward(model.forward(batch, true), batch.labels(), batch.size()));
      double max = GradCheck.report(variant + " under " + head, errors);
      assertTrue(max <= GradCheck.WHOLE_MODEL_TOLERANCE, variant + " under " + head + ": max relative error " + max);
      check.gradientScale().forEach((name, scale) -> {
        // wide weights start at zero, so the MLP's first layer has a gradient; every tensor must have one
        assertTrue(scale > 1e-7, variant + " under " + head + ": tensor " + name + " has no gradient");
      });
    }
  }
}

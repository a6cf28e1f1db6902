package org.amtl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.Example;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.layers.DenseParams;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.model.HeadType;
import org.junit.jupiter.api.Test;

/**
 * The reduced model (mask all ones = FBE, no hidden layer, embedding rows frozen as fixed features) is logistic
 * regression on the concatenated rows: trained with plain gradient descent it must give the same weights as a
 * textbook logistic regression, written here independently in double.
 */
class LogisticRegressionEquivalenceTest {
  @Test
  void reducedModelTrainsLikeLogisticRegression() {
    SyntheticClickLog log = new SyntheticClickLog(3, 50, 1.1, 4, 3.0, 9);
    List<SyntheticClickLog.Row> rows = log.generate(3000, 9, "lr");
    Vocabulary vocab = SyntheticClickLog.vocabulary(rows, 3, 1);
    List<Example> data = SyntheticClickLog.encode(rows, vocab);
    int d = 4;
    int batch = 32;
    double lr = 0.5;
    AmtlConfig config = AmtlConfig.defaults()
        .with(Keys.EMBEDDING, EmbeddingVariant.FBE)
        .with(Keys.HEAD, HeadType.DNN)
        .with(Keys.DIM, d)
        .with(Keys.HIDDEN, new int[0])
        .with(Keys.EMBEDDING_INIT, 1.0)
        .with(Keys.EMBEDDING_TRAINABLE, false)
        .with(Keys.DENSE_OPTIMIZER, Keys.DenseOptimizer.SGD)
        .with(Keys.DENSE_LR, lr);
    CtrModel model = new CtrModel(config, vocab);
    int fields = 3;
    int inputs = fields * d;

    // the reference starts from the model's initial weights; the rows are its fixed features
    DenseParams p = model.params();
    DenseParams.Tensor wT = p.tensor("mlp.l0.w");
    DenseParams.Tensor bT = p.tensor("mlp.l0.b");
    double[] w = new double[inputs];
    for (int i = 0; i < inputs; i++) {
      w[i] = p.values()[wT.offset() + i];
    }
    double b = p.values()[bT.offset()];
    double[] w0 = w.clone();
    float[][] tables = new float[fields][];
    for (int f = 0; f < fields; f++) {
      tables[f] = model.tables().get(f).values().clone();
    }

    for (int epoch = 0; epoch < 3; epoch++) {
      new LocalTrainer(model, batch).train(data.iterator(), null);
      for (int start = 0; start < data.size(); start += batch) {
        int end = Math.min(data.size(), start + batch);
        double[] gw = new double[inputs];
        double gb = 0;
        for (Example ex : data.subList(start, end)) {
          double[] x = new double[inputs];
          for (int f = 0; f < fields; f++) {
            int id = ex.ids()[f][0];
            for (int j = 0; j < d; j++) {
              x[f * d + j] = tables[f][id * d + j];
            }
          }
          double z = b;
          for (int i = 0; i < inputs; i++) {
            z += w[i] * x[i];
          }
          double g = (1 / (1 + Math.exp(-z)) - ex.label()) / (end - start);
          for (int i = 0; i < inputs; i++) {
            gw[i] += g * x[i];
          }
          gb += g;
        }
        for (int i = 0; i < inputs; i++) {
          w[i] -= lr * gw[i];
        }
        b -= lr * gb;
      }
    }
    double maxDiff = Math.abs(b - p.values()[bT.offset()]);
    double maxMove = 0;
    for (int i = 0; i < inputs; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(w[i] - p.values()[wT.offset() + i]));
      maxMove = Math.max(maxMove, Math.abs(w[i] - w0[i]));
    }
    System.out.printf("logistic regression equivalence: max |w_model - w_LR| = %.2e after 3 epochs%n", maxDiff);
    assertTrue(maxDiff <= 1e-6, "weights differ by " + maxDiff);
    assertTrue(maxMove > 0.1, "training must move the weights for the comparison to mean anything: " + maxMove);
    for (int f = 0; f < fields; f++) {
      assertEquals(0, java.util.Arrays.compare(tables[f], model.tables().get(f).values()), "frozen rows changed");
    }
  }
}

package org.amtl.core.layers;

import static org.amtl.core.GradCheck.FLOAT_TOLERANCE;
import static org.amtl.core.GradCheck.dot;
import static org.amtl.core.GradCheck.randomArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.amtl.core.GradCheck;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.FrequencyFeatures;
import org.amtl.core.kernels.Gemm;
import org.amtl.core.kernels.Softmax;
import org.amtl.core.kernels.SparseRows;
import org.junit.jupiter.api.Test;

/** Gradient checks of every layer and parameter tensor, on tiny shapes (B = 2, d = 4). */
class LayerGradientTest {
  static final int B = 2;
  static final int D = 4;

  /** Bags with a repeated id and an OOV id: example 0 = {1, 3, 1}, example 1 = {0, 2}. */
  static final int[] OFFSETS = {0, 3, 5};
  static final int[] IDS = {1, 3, 1, 0, 2};

  static FieldVocabulary vocab() {
    return vocab(40);
  }

  /** Rows: OOV 0, a 900, b {@code countOfB}, c 3; with countOfB = 3, b and c are one tie group. */
  static FieldVocabulary vocab(long countOfB) {
    Map<String, Long> counts = new HashMap<>();
    counts.put("a", 900L);
    counts.put("b", countOfB);
    counts.put("c", 3L);
    return FieldVocabulary.fromCounts("f", counts, 1);
  }

  static void assertAllBelow(String title, GradCheck check, Map<String, Double> errors) {
    double max = GradCheck.report(title, errors);
    assertTrue(max <= FLOAT_TOLERANCE, title + ": max relative error " + max + " > " + FLOAT_TOLERANCE);
    check.gradientScale().forEach((name, scale) ->
        assertTrue(scale > 1e-6, title + ": tensor " + name + " has no gradient, so its check proves nothing"));
  }

  @Test
  void mlpWithReluAndItsInput() {
    DenseParams p = new DenseParams(11);
    Mlp mlp = new Mlp(p, "mlp", 5, 7, 3);
    float[] x = randomArray(B * 5, 1, 1.0);
    float[] dout = randomArray(B * 3, 2, 1.0);
    double[][] dx = new double[1][];
    GradCheck check = new GradCheck().addDense(p).add("input x", x, 0, x.length, () -> dx[0]);
    Map<String, Double> errors = check.run(() -> {
      p.zeroGrad();
      mlp.forward(x, B);
      dx[0] = GradCheck.slice(mlp.backward(dout, true), 0, x.length);
    }, () -> dot(mlp.forward(x, B), dout, B * 3));
    assertAllBelow("MLP (dense + ReLU + dense)", check, errors);
  }

  @Test
  void denseLayerSkippingZerosOfItsInputOrOfItsOutputsGradient() {
    // 64 wide, so every product may skip zeros: the forward through x's, dx through dy's, and dW through x's when it
    // has more zeros than dy (90% vs 80%), else through dy's (as dW^T = dy^T x, added transposed): 80% vs 90%, and
    // a dense x against 80% (both above Gemm.ZERO_SHARE_TO_SKIP)
    int[][] zeroTenths = {{9, 8}, {8, 9}, {0, 8}};
    for (int[] tenths : zeroTenths) {
      DenseParams p = new DenseParams(13);
      Dense layer = new Dense(p, "d", 64, 64);
      float[] x = randomArray(3 * 64, 5, 1.0);
      float[] dout = randomArray(3 * 64, 6, 1.0);
      for (int i = 0; i < x.length; i++) {
        x[i] = i % 10 < tenths[0] ? 0f : x[i];
        dout[i] = (i * 7) % 10 < tenths[1] ? 0f : dout[i];
      }
      SparseRows marks = new SparseRows();
      assertTrue(Gemm.get().markIfMostlyZeros(marks, dout, 0, 64, 1, 3, 64, 64), "dy skips its zeros");
      assertEquals(tenths[0] > 0, Gemm.get().markIfMostlyZeros(marks, x, 0, 64, 1, 3, 64, 64), "x skips its zeros");
      double[][] dx = new double[1][];
      GradCheck check = new GradCheck().addDense(p).add("input x", x, 0, x.length, () -> dx[0]);
      Map<String, Double> errors = check.run(() -> {
        p.zeroGrad();
        layer.forward(x, 3);
        dx[0] = GradCheck.slice(layer.backward(dout, true), 0, x.length);
      }, () -> dot(layer.forward(x, 3), dout, 3 * 64));
      assertAllBelow("dense layer skipping zeros, x " + 10 * tenths[0] + "% zeros, dy " + 10 * tenths[1] + "%", check,
          errors);
    }
  }

  @Test
  void fmInteraction() {
    int fields = 3;
    FmInteraction fm = new FmInteraction(fields, D);
    float[] x = randomArray(B * fields * D, 3, 1.0);
    float[] dout = randomArray(B, 4, 1.0);
    float[] dx = new float[x.length];
    GradCheck check = new GradCheck();
    Map<String, Double> errors = check.add("FM input", x, 0, x.length, () -> GradCheck.slice(dx, 0, dx.length))
        .run(() -> {
          java.util.Arrays.fill(dx, 0f);
          fm.forward(x, B);
          fm.backward(dout, dx);
        }, () -> dot(fm.forward(x, B), dout, B));
    assertAllBelow("FM second order", check, errors);
  }

  @Test
  void fmEqualsSumOfPairwiseDotProducts() {
    int fields = 3;
    float[] x = randomArray(fields * D, 5, 1.0);
    double expected = 0;
    for (int f = 0; f < fields; f++) {
      for (int g = f + 1; g < fields; g++) {
        for (int j = 0; j < D; j++) {
          expected += x[f * D + j] * x[g * D + j];
        }
      }
    }
    assertEquals(expected, new FmInteraction(fields, D).forward(x, 1)[0], 1e-5);
  }

  @Test
  void logisticLoss() {
    float[] z = {2.5f, -1.2f, 0.3f, -7f};
    float[] y = {1f, 0f, 0f, 1f};
    float[] dz = new float[z.length];
    GradCheck check = new GradCheck();
    Map<String, Double> errors = check.add("logits", z, 0, z.length, () -> GradCheck.slice(dz, 0, dz.length))
        .run(() -> LogisticLoss.backward(z, y, z.length, dz), () -> LogisticLoss.forward(z, y, z.length));
    assertAllBelow("logistic loss", check, errors);
    // the stable form agrees with the textbook one where both are accurate, and stays finite where it is not
    assertEquals(-Math.log(1 / (1 + Math.exp(-2.5))), LogisticLoss.pointLoss(2.5, 1), 1e-12);
    assertEquals(1000.0, LogisticLoss.pointLoss(1000, 0), 1e-9);
  }

  @Test
  void fixedEmbeddingRowsWithBags() {
    EmbeddingTable t = new EmbeddingTable("fbe", 4, D, 0.5, 7);
    FixedEmbedding emb = new FixedEmbedding(t);
    float[] out = new float[B * D];
    float[] dout = randomArray(B * D, 8, 1.0);
    GradCheck check = new GradCheck();
    Map<String, Double> errors = check.addTable(t).run(() -> {
      t.zeroGrad();
      emb.forward(OFFSETS, IDS, B, out, 0, D, true);
      emb.backward(dout, 0, D);
    }, () -> {
      emb.forward(OFFSETS, IDS, B, out, 0, D, true);
      return dot(out, dout, B * D);
    });
    assertAllBelow("FBE embedding rows (mean-pooled bags)", check, errors);
  }

  static AmtlMask mask(DenseParams p, boolean twins, boolean ste, double budget) {
    return mask(p, twins, ste, budget, false);
  }

  static AmtlMask mask(DenseParams p, boolean twins, boolean ste, double budget, boolean perRow) {
    return mask(vocab(), p, twins, ste, budget, perRow);
  }

  static AmtlMask mask(FieldVocabulary vocab, DenseParams p, boolean twins, boolean ste, double budget,
      boolean perRow) {
    return new AmtlMask(p, "f", FrequencyFeatures.of(vocab, 24), D,
        new AmtlMask.Settings(6, twins, ste, 0.7, budget, perRow, 0));
  }

  /** The full-size start: a bias on the last AML output makes every value keep all d dims before training. */
  @Test
  void fullDimBiasStartsEveryValueAtFullSize() {
    for (boolean twins : new boolean[] {true, false}) {
      AmtlMask random = mask(new DenseParams(23), twins, true, 0);
      AmtlMask full = new AmtlMask(new DenseParams(23), "f", FrequencyFeatures.of(vocab(), 24), D,
          new AmtlMask.Settings(6, twins, true, 0.7, 0, false, 5.0));
      assertTrue(java.util.Arrays.stream(random.keptDims()).anyMatch(k -> k < D), "random start varies");
      assertTrue(java.util.Arrays.stream(full.keptDims()).allMatch(k -> k == D), "biased start keeps d");
    }
  }

  /**
   * Soft mode: the mask is a smooth function of both AMLs, so every tensor is checked against differences; with
   * distinct counts and with two rows in one tie group (the AMLs then run once for both, and the group's gradient
   * is the sum of its rows').
   */
  @Test
  void amtlEmbeddingSoftPathAllTensors() {
    for (long countOfB : new long[] {40, 3}) {
      FieldVocabulary vocab = vocab(countOfB);
      for (boolean twins : new boolean[] {true, false}) {
        for (double budget : new double[] {0.0, 0.3}) {
          for (boolean perRow : new boolean[] {false, true}) {
            DenseParams p = new DenseParams(23);
            AmtlEmbedding emb = new AmtlEmbedding(new EmbeddingTable("amtl.emb", 4, D, 0.5, 7),
                mask(vocab, p, twins, false, budget, perRow));
            // the budget term lambda * sum over lookups of E[k] / B (per row: each lookup weighted by mean count /
            // count), recomputed from the soft selection
            checkFieldEmbedding("AMTL soft path, count of b=" + countOfB + ", twins=" + twins + ", budget="
                + budget + ", per row=" + perRow, emb, p, 9,
                () -> budget * expectedDimPerLookup(emb.mask(), vocab, perRow));
          }
        }
      }
    }
  }

  /** mean over the batch of sum over each bag's lookups (weight 1/len) of E[k] = sum_l (l + 1) p_l. */
  static double expectedDimPerLookup(AmtlMask mask, FieldVocabulary vocab, boolean perRow) {
    // unique ids in first-seen order of IDS: 1, 3, 0, 2; lookup weights: id1 2/3, id3 1/3, id0 1/2, id2 1/2
    double[] weights = {2.0 / 3, 1.0 / 3, 0.5, 0.5};
    if (perRow) { // each weighted by mean count / count (a count of 0, OOV's, taken as 1)
      int[] unique = {1, 3, 0, 2};
      double mean = (vocab.count(1) + vocab.count(2) + vocab.count(3)) / 4.0;
      for (int i = 0; i < 4; i++) {
        weights[i] *= mean / Math.max(1, vocab.count(unique[i]));
      }
    }
    float[] probs = mask.probabilities();
    double s = 0;
    for (int i = 0; i < 4; i++) {
      for (int l = 0; l < D; l++) {
        s += weights[i] / B * (l + 1) * probs[i * D + l];
      }
    }
    return s;
  }

  /** The mask logits z: the selection softmax and the reverse cumulative sum, checked on z directly. */
  @Test
  void maskLogits() {
    float[] z = randomArray(D, 12, 2.0);
    float[] dmask = randomArray(D, 13, 1.0);
    float temperature = 0.7f;
    float[] probs = new float[D];
    float[] mask = new float[D];
    float[] dz = new float[D];
    GradCheck check = new GradCheck();
    Map<String, Double> errors = check.add("mask logits z", z, 0, D, () -> GradCheck.slice(dz, 0, D))
        .run(() -> {
          Softmax.row(z, 0, D, temperature, probs);
          AmtlMask.selectionBackward(dmask, probs, 0, D, temperature, 0f, dz);
        }, () -> {
          Softmax.row(z, 0, D, temperature, probs);
          AmtlMask.maskFromSelection(probs, 0, D, mask);
          return dot(mask, dmask, D);
        });
    assertAllBelow("mask logits (softmax / T, reverse cumsum)", check, errors);
  }

  /**
   * STE: the forward is the hard prefix mask, the row gradient is m * dv with that mask, and the AML gradients
   * equal the analytic softmax path exactly (same parameters, same upstream gradient, soft mode).
   */
  @Test
  void steForwardIsHardAndBackwardEqualsSoftPath() {
    DenseParams pSte = new DenseParams(21);
    DenseParams pSoft = new DenseParams(21);
    EmbeddingTable tSte = new EmbeddingTable("amtl.emb", 4, D, 0.5, 7);
    EmbeddingTable tSoft = new EmbeddingTable("amtl.emb", 4, D, 0.5, 7);
    AmtlEmbedding ste = new AmtlEmbedding(tSte, mask(pSte, true, true, 0.2));
    AmtlEmbedding soft = new AmtlEmbedding(tSoft, mask(pSoft, true, false, 0.2));
    float[] outSte = new float[B * D];
    float[] outSoft = new float[B * D];
    float[] dout = randomArray(B * D, 9, 1.0);
    ste.forward(OFFSETS, IDS, B, outSte, 0, D, true);
    soft.forward(OFFSETS, IDS, B, outSoft, 0, D, true);
    ste.backward(dout, 0, D);
    soft.backward(dout, 0, D);
    for (int i = 0; i < pSte.size(); i++) {
      assertEquals(pSoft.grads()[i], pSte.grads()[i], 1e-7f, "AML gradient " + i);
    }
    // forward: ids 1 and 3 of example 0 pooled with hard prefix masks of their argmax dims
    int[] kept = ste.keptDims();
    float[] e = tSte.values();
    for (int j = 0; j < D; j++) {
      float m1 = j < kept[1] ? 1f : 0f;
      float m3 = j < kept[3] ? 1f : 0f;
      float expected = (2 * m1 * e[D + j] + m3 * e[3 * D + j]) / 3f;
      assertEquals(expected, outSte[j], 1e-6f, "STE output dim " + j);
    }
    // rows: STE row gradients are checked against differences (the hard mask does not move with the rows)
    GradCheck check = new GradCheck();
    Map<String, Double> errors = check.addTable(tSte).run(() -> {
      tSte.zeroGrad();
      pSte.zeroGrad();
      ste.forward(OFFSETS, IDS, B, outSte, 0, D, true);
      ste.backward(dout, 0, D);
    }, () -> {
      ste.forward(OFFSETS, IDS, B, outSte, 0, D, true);
      return dot(outSte, dout, B * D);
    });
    assertAllBelow("AMTL STE path, rows", check, errors);
  }

  /**
   * Checks a field embedding's rows and dense tensors on the shared bags, with surrogate loss sum(out * dout)
   * plus {@code extraLoss} (a penalty the layer adds to its own gradients).
   */
  static void checkFieldEmbedding(String title, FieldEmbedding emb, DenseParams p, long doutSeed,
      java.util.function.DoubleSupplier extraLoss) {
    float[] out = new float[B * D];
    float[] dout = randomArray(B * D, doutSeed, 1.0);
    GradCheck check = new GradCheck().addDense(p);
    emb.tables().forEach(check::addTable);
    Map<String, Double> errors = check.run(() -> {
      p.zeroGrad();
      emb.tables().forEach(EmbeddingTable::zeroGrad);
      emb.forward(OFFSETS, IDS, B, out, 0, D, true);
      emb.backward(dout, 0, D);
    }, () -> {
      emb.forward(OFFSETS, IDS, B, out, 0, D, true);
      return dot(out, dout, B * D) + extraLoss.getAsDouble();
    });
    assertAllBelow(title, check, errors);
  }

  @Test
  void mdeRowsAndProjections() {
    DenseParams p = new DenseParams(31);
    long[] counts = {0, 900, 40, 3};
    checkFieldEmbedding("MDE rows and projections", new MdeEmbedding(p, "mde", counts, D, 2, 0.3, 0.5, 7), p, 14,
        () -> 0);
  }

  @Test
  void autoEmbRowsProjectionsAndController() {
    DenseParams p = new DenseParams(41);
    AutoEmbEmbedding emb = new AutoEmbEmbedding(p, "auto", FrequencyFeatures.of(vocab(), 24), new int[] {1, 2, D}, D,
        5, 0.5, 7);
    checkFieldEmbedding("AutoEmb rows, projections, controller", emb, p, 15, () -> 0);
  }
}

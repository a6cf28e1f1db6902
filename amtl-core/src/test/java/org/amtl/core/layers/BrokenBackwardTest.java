package org.amtl.core.layers;

import static org.amtl.core.GradCheck.FLOAT_TOLERANCE;
import static org.amtl.core.GradCheck.dot;
import static org.amtl.core.GradCheck.randomArray;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.amtl.core.GradCheck;
import org.amtl.core.kernels.Softmax;
import org.junit.jupiter.api.Test;

/**
 * Shows that the gradient checks can fail: deliberately broken copies of backward passes (a term dropped, a sign
 * flipped) are run through the same checks as the real ones and must exceed the tolerance.
 */
class BrokenBackwardTest {
  static final int D = 5;

  interface SelectionBackward {
    void apply(float[] dmask, float[] probs, int d, float temperature, float[] dz);
  }

  /** Broken copy: the softmax's "- <dt, p>" term is dropped. */
  static void withoutSoftmaxCentering(float[] dmask, float[] probs, int d, float temperature, float[] dz) {
    float acc = 0f;
    for (int l = 0; l < d; l++) {
      acc += dmask[l];
      dz[l] = probs[l] * acc / temperature;
    }
  }

  /** Broken copy: the sign of the whole gradient is flipped. */
  static void signFlipped(float[] dmask, float[] probs, int d, float temperature, float[] dz) {
    AmtlMask.selectionBackward(dmask, probs, 0, d, temperature, 0f, dz);
    for (int l = 0; l < d; l++) {
      dz[l] = -dz[l];
    }
  }

  /** Broken copy: dL/dt uses a suffix sum of dL/dm (the wrong side of the cumulative sum). */
  static void suffixInsteadOfPrefix(float[] dmask, float[] probs, int d, float temperature, float[] dz) {
    float[] reversed = new float[d];
    for (int l = 0; l < d; l++) {
      reversed[l] = dmask[d - 1 - l];
    }
    float[] tmp = new float[d];
    float[] p = new float[d];
    for (int l = 0; l < d; l++) {
      p[l] = probs[d - 1 - l];
    }
    AmtlMask.selectionBackward(reversed, p, 0, d, temperature, 0f, tmp);
    for (int l = 0; l < d; l++) {
      dz[l] = tmp[d - 1 - l];
    }
  }

  static double maskLogitError(SelectionBackward backward) {
    float[] z = randomArray(D, 12, 2.0);
    float[] dmask = randomArray(D, 13, 1.0);
    float temperature = 0.7f;
    float[] probs = new float[D];
    float[] mask = new float[D];
    float[] dz = new float[D];
    Map<String, Double> errors = new GradCheck().add("z", z, 0, D, () -> GradCheck.slice(dz, 0, D)).run(() -> {
      Softmax.row(z, 0, D, temperature, probs);
      backward.apply(dmask, probs, D, temperature, dz);
    }, () -> {
      Softmax.row(z, 0, D, temperature, probs);
      AmtlMask.maskFromSelection(probs, 0, D, mask);
      return dot(mask, dmask, D);
    });
    return errors.get("z");
  }

  @Test
  void realMaskBackwardPassesAndBrokenCopiesFail() {
    double real = maskLogitError((dm, p, d, t, dz) -> AmtlMask.selectionBackward(dm, p, 0, d, t, 0f, dz));
    double dropped = maskLogitError(BrokenBackwardTest::withoutSoftmaxCentering);
    double flipped = maskLogitError(BrokenBackwardTest::signFlipped);
    double wrongSide = maskLogitError(BrokenBackwardTest::suffixInsteadOfPrefix);
    System.out.printf("mask logits: real %.2e, term dropped %.2e, sign flipped %.2e, suffix sum %.2e%n", real,
        dropped, flipped, wrongSide);
    assertTrue(real <= FLOAT_TOLERANCE);
    assertTrue(dropped > FLOAT_TOLERANCE, "dropping the softmax term must fail the check: " + dropped);
    assertTrue(flipped > FLOAT_TOLERANCE, "a flipped sign must fail the check: " + flipped);
    assertTrue(wrongSide > FLOAT_TOLERANCE, "a suffix sum must fail the check: " + wrongSide);
  }

  @Test
  void fmBackwardWithoutSelfTermFails() {
    int fields = 3;
    int b = 2;
    FmInteraction fm = new FmInteraction(fields, D);
    float[] x = randomArray(b * fields * D, 3, 1.0);
    float[] dout = randomArray(b, 4, 1.0);
    float[] dx = new float[x.length];
    // broken copy of FmInteraction.backward: dy * sum_f v_f, the "- v_f" term dropped
    Map<String, Double> errors = new GradCheck().add("x", x, 0, x.length, () -> GradCheck.slice(dx, 0, dx.length))
        .run(() -> {
          fm.forward(x, b);
          for (int i = 0; i < b; i++) {
            for (int j = 0; j < D; j++) {
              float sum = 0f;
              for (int f = 0; f < fields; f++) {
                sum += x[i * fields * D + f * D + j];
              }
              for (int f = 0; f < fields; f++) {
                dx[i * fields * D + f * D + j] = dout[i] * sum;
              }
            }
          }
        }, () -> dot(fm.forward(x, b), dout, b));
    System.out.printf("FM input: self term dropped %.2e%n", errors.get("x"));
    assertTrue(errors.get("x") > FLOAT_TOLERANCE, "FM without its self term must fail: " + errors.get("x"));
  }

  @Test
  void flippedOrDroppedGradientOfAnyModelTensorFails() {
    // the harness itself: for every tensor of a small MLP, a negated or zeroed analytic gradient is caught
    DenseParams p = new DenseParams(11);
    Mlp mlp = new Mlp(p, "mlp", 4, 6, 2);
    float[] x = randomArray(2 * 4, 1, 1.0);
    float[] dout = randomArray(2 * 2, 2, 1.0);
    for (double factor : new double[] {-1.0, 0.0}) {
      GradCheck check = new GradCheck();
      for (DenseParams.Tensor t : p.tensors()) {
        check.add(t.name(), p.values(), t.offset(), t.size(), () -> {
          double[] g = GradCheck.slice(p.grads(), t.offset(), t.size());
          for (int i = 0; i < g.length; i++) {
            g[i] *= factor;
          }
          return g;
        });
      }
      Map<String, Double> errors = check.run(() -> {
        p.zeroGrad();
        mlp.forward(x, 2);
        mlp.backward(dout, false);
      }, () -> dot(mlp.forward(x, 2), dout, 4));
      errors.forEach((name, err) -> assertTrue(err > FLOAT_TOLERANCE,
          "gradient of " + name + " scaled by " + factor + " must fail, error " + err));
    }
  }
}

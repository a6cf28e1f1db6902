package org.amtl.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricsTest {
  /** Brute force: over all (positive, negative) pairs, 1 if the positive scores higher, 1/2 on a tie. */
  static double bruteAuc(float[] s, float[] y) {
    double num = 0;
    double pairs = 0;
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s.length; j++) {
        if (y[i] == 1 && y[j] == 0) {
          pairs++;
          num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
        }
      }
    }
    return num / pairs;
  }

  @Test
  void exactAucWithTiesMatchesBruteForce() {
    SplittableRandom r = new SplittableRandom(3);
    float[] s = new float[500];
    float[] y = new float[500];
    for (int i = 0; i < s.length; i++) {
      s[i] = r.nextInt(40) / 40f; // many ties
      y[i] = r.nextDouble() < 0.3 + 0.4 * s[i] ? 1 : 0;
    }
    assertEquals(bruteAuc(s, y), AucSummary.of(s, y, s.length).auc(), 1e-12);
    assertEquals(0.5, AucSummary.of(new float[] {0.3f, 0.3f}, new float[] {1, 0}, 2).auc(), 0);
    assertTrue(Double.isNaN(AucSummary.of(new float[] {0.3f}, new float[] {1}, 1).auc()));
  }

  @Test
  void mergedSummariesEqualTheWhole() {
    SplittableRandom r = new SplittableRandom(4);
    int n = 3000;
    float[] s = new float[n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      s[i] = (float) r.nextDouble();
      y[i] = r.nextDouble() < s[i] ? 1 : 0;
    }
    EvalSummary whole = new EvalSummary().add(s, y, n);
    EvalSummary parts = new EvalSummary();
    int[] cuts = {0, 7, 1200, 1201, 2500, n};
    for (int k = 0; k + 1 < cuts.length; k++) {
      int len = cuts[k + 1] - cuts[k];
      float[] ps = java.util.Arrays.copyOfRange(s, cuts[k], cuts[k + 1]);
      float[] py = java.util.Arrays.copyOfRange(y, cuts[k], cuts[k + 1]);
      parts.merge(new EvalSummary().add(ps, py, len));
    }
    parts.merge(new EvalSummary()); // an empty summary changes nothing
    assertEquals(whole.auc(), parts.auc(), 0);
    assertEquals(whole.logloss(), parts.logloss(), 1e-12);
    assertEquals(whole.calibration(), parts.calibration(), 1e-12);
    assertEquals(n, parts.count());
  }

  @Test
  void batchesAddedOneByOneGiveTheSameSummaryAsTheWhole() throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    int n = 2000;
    float[] s = new float[n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      s[i] = r.nextInt(300) / 300f; // ties across batches
      y[i] = r.nextDouble() < s[i] ? 1 : 0;
    }
    AucSummary added = new AucSummary();
    for (int from = 0; from < n; from += 128) {
      int len = Math.min(128, n - from);
      added.add(java.util.Arrays.copyOfRange(s, from, from + len), java.util.Arrays.copyOfRange(y, from, from + len),
          len);
      if (from == 1024) {
        assertEquals(bruteAuc(java.util.Arrays.copyOf(s, from + len), java.util.Arrays.copyOf(y, from + len)),
            added.auc(), 1e-12, "read midway, then added to");
      }
    }
    assertEquals(bruteAuc(s, y), added.auc(), 1e-12);
    assertArrayEquals(bytes(AucSummary.of(s, y, n)), bytes(added), "same distinct scores and counts");
  }

  private static byte[] bytes(AucSummary a) throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    a.write(new java.io.DataOutputStream(out));
    return out.toByteArray();
  }

  @Test
  void loglossAndCalibration() {
    EvalSummary e = new EvalSummary().add(new float[] {0.8f, 0.2f}, new float[] {1, 0}, 2);
    assertEquals(-Math.log(0.8f), e.logloss(), 1e-6);
    assertEquals(1.0, e.calibration(), 1e-6);
  }

  @Test
  void theAucAreaCountsEveryPairAndJoinsExactlyAtAnySplit() {
    SplittableRandom r = new SplittableRandom(3);
    int n = 400;
    float[] scores = new float[n];
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(3) == 0 ? 1f : 0f;
      scores[i] = r.nextInt(30) / 30f + 0.1f * labels[i]; // coarse: many ties
    }
    long twice = 0; // every (positive, negative) pair: 2 when the positive scores higher, 1 on a tie
    for (int p = 0; p < n; p++) {
      for (int q = 0; q < n; q++) {
        if (labels[p] == 1f && labels[q] == 0f) {
          twice += scores[p] > scores[q] ? 2 : scores[p] == scores[q] ? 1 : 0;
        }
      }
    }
    AucSummary summary = AucSummary.of(scores, labels, n);
    AucArea whole = summary.area();
    assertEquals(twice, whole.twiceArea());
    assertEquals(n, whole.count());
    // the summary's distinct scores cut anywhere into two ranges give the same area when joined
    java.util.List<long[]> entries = new java.util.ArrayList<>();
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      summary.write(new java.io.DataOutputStream(bytes));
      AucSummary.forEachEntry(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())),
          (score, pos, neg) -> entries.add(new long[] {pos, neg}));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    for (int cut = 0; cut <= entries.size(); cut++) {
      AucArea below = AucArea.EMPTY;
      AucArea above = AucArea.EMPTY;
      for (int i = 0; i < entries.size(); i++) {
        if (i < cut) {
          below = below.plus(entries.get(i)[0], entries.get(i)[1]);
        } else {
          above = above.plus(entries.get(i)[0], entries.get(i)[1]);
        }
      }
      assertEquals(whole, below.then(above), "cut at " + cut);
    }
    assertEquals(Double.doubleToLongBits(whole.auc()), Double.doubleToLongBits(AucSummary.ofArea(whole).auc()));
    org.junit.jupiter.api.Assertions.assertThrows(ArithmeticException.class,
        () -> new AucArea(3_000_000_000L, 3_000_000_000L, 0).plus(3_000_000_000L, 1),
        "an area past a long is an error, never a wrong figure");
  }

  @Test
  void anExactSumIsTheSameInAnyOrderAndSplit() {
    SplittableRandom r = new SplittableRandom(5);
    double[] terms = new double[10_000];
    double naive = 0;
    for (int i = 0; i < terms.length; i++) {
      terms[i] = i % 7 == 0 ? -Math.log(1e-7 + r.nextDouble()) : r.nextDouble() * Math.pow(10, r.nextInt(-7, 3));
      naive += terms[i];
    }
    ExactSum forward = new ExactSum();
    for (double t : terms) {
      forward.add(t);
    }
    ExactSum backwardInTwo = new ExactSum();
    ExactSum secondHalf = new ExactSum();
    for (int i = terms.length - 1; i >= 0; i--) {
      (i < 3333 ? backwardInTwo : secondHalf).add(terms[i]);
    }
    backwardInTwo.add(secondHalf);
    assertEquals(Double.doubleToLongBits(forward.value()), Double.doubleToLongBits(backwardInTwo.value()));
    assertEquals(naive, forward.value(), 1e-9 * naive, "the sum itself");
    java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
    for (double t : terms) {
      exact = exact.add(new java.math.BigDecimal(t));
    }
    assertEquals(exact.doubleValue(), forward.value(), 0.0, "the exact sum, rounded once");
    ExactSum wide = new ExactSum(); // a double sum would lose both ones: 1e16 + 1 rounds back to 1e16
    wide.add(1e16);
    wide.add(1);
    wide.add(1);
    assertEquals(1e16 + 2, wide.value(), 0.0, "exact, then rounded once");
  }
}

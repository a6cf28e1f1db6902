package org.amtl.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.amtl.core.data.Batch;
import org.amtl.core.data.Example;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.FrequencyFeatures;
import org.junit.jupiter.api.Test;

class BucketedAucTest {
  @Test
  void perBucketAucEqualsAucOfThatBucketsExamplesAndMerges() {
    // field 0: row 1 has count 1000 (bucket 9), row 2 count 3 (bucket 2); a bag takes its rarest value's bucket
    FieldVocabulary v = FieldVocabulary.ofRows("f", new String[] {"hot", "cold"}, new long[] {0, 1000, 3});
    FrequencyFeatures[] ff = {FrequencyFeatures.of(v, 24)};
    SplittableRandom r = new SplittableRandom(5);
    List<Example> ex = new ArrayList<>();
    float[] p = new float[400];
    for (int i = 0; i < 400; i++) {
      int[] bag = i % 3 == 0 ? new int[] {1} : i % 3 == 1 ? new int[] {2} : new int[] {1, 2};
      p[i] = (float) r.nextDouble();
      ex.add(new Example(r.nextDouble() < p[i] ? 1f : 0f, new int[][] {bag}));
    }
    Batch whole = Batch.of(ex, new int[] {3});
    BucketedAuc all = new BucketedAuc(1, 24).add(whole, p, ff);
    BucketedAuc merged = new BucketedAuc(1, 24)
        .add(Batch.of(ex.subList(0, 150), new int[] {3}), java.util.Arrays.copyOfRange(p, 0, 150), ff)
        .merge(new BucketedAuc(1, 24)
            .add(Batch.of(ex.subList(150, 400), new int[] {3}), java.util.Arrays.copyOfRange(p, 150, 400), ff));
    for (int bucket : new int[] {9, 2}) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        boolean hotOnly = i % 3 == 0;
        if ((bucket == 9) == hotOnly) {
          members.add(i);
        }
      }
      double expected = summaryOf(members, p, ex).auc();
      assertEquals(expected, all.auc(0, bucket), 0);
      assertEquals(expected, merged.auc(0, bucket), 0);
      assertEquals(members.size(), all.count(0, bucket));
    }
    assertTrue(Double.isNaN(all.auc(0, 5)));
  }

  @Test
  void writtenFormIsEachBucketsExactSummaryAndSurvivesReadAndMerge() throws IOException {
    // two fields of three values with counts in different buckets; scores from a small set, so ties are many
    FieldVocabulary a = FieldVocabulary.ofRows("a", new String[] {"x", "y", "z"}, new long[] {0, 5000, 40, 1});
    FieldVocabulary b = FieldVocabulary.ofRows("b", new String[] {"x", "y", "z"}, new long[] {0, 90000, 700, 3});
    FrequencyFeatures[] ff = {FrequencyFeatures.of(a, 24), FrequencyFeatures.of(b, 24)};
    SplittableRandom r = new SplittableRandom(11);
    float[] levels = {-0f, 0f, 0.25f, 0.5f, 0.75f, 1f};
    List<Example> ex = new ArrayList<>();
    float[] p = new float[1000];
    for (int i = 0; i < p.length; i++) {
      p[i] = levels[r.nextInt(levels.length)];
      ex.add(new Example(r.nextInt(2), new int[][] {{r.nextInt(4)}, {1 + r.nextInt(3)}}));
    }
    int[] rows = {4, 4};
    BucketedAuc kept = new BucketedAuc(2, 24);
    for (int from = 0; from < p.length; from += 300) { // several batches
      int to = Math.min(p.length, from + 300);
      kept.add(Batch.of(ex.subList(from, to), rows), Arrays.copyOfRange(p, from, to), ff);
    }
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(expected);
    out.writeInt(2);
    out.writeInt(24);
    for (int f = 0; f < 2; f++) {
      for (int bucket = 0; bucket < 24; bucket++) {
        List<Integer> members = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
          if (ff[f].bucket(ex.get(i).ids()[f][0]) == bucket) {
            members.add(i);
          }
        }
        summaryOf(members, p, ex).write(out);
      }
    }
    byte[] written = bytes(kept);
    assertArrayEquals(expected.toByteArray(), written);
    BucketedAuc back = BucketedAuc.read(new DataInputStream(new ByteArrayInputStream(written)));
    assertArrayEquals(written, bytes(back));
    // halves kept as rows, merged: the same summaries as the whole
    BucketedAuc first = new BucketedAuc(2, 24).add(Batch.of(ex.subList(0, 500), rows), Arrays.copyOf(p, 500), ff);
    BucketedAuc second = new BucketedAuc(2, 24)
        .add(Batch.of(ex.subList(500, 1000), rows), Arrays.copyOfRange(p, 500, 1000), ff);
    assertArrayEquals(written, bytes(first.merge(second)));
    assertEquals(kept.count(1, 16) + kept.count(1, 9) + kept.count(1, 2), p.length);
  }

  @Test
  void refusesNaNScores() {
    FieldVocabulary v = FieldVocabulary.ofRows("f", new String[] {"x"}, new long[] {0, 10});
    FrequencyFeatures[] ff = {FrequencyFeatures.of(v, 24)};
    Batch one = Batch.of(List.of(new Example(1f, new int[][] {{1}})), new int[] {2});
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> new BucketedAuc(1, 24).add(one, new float[] {Float.NaN}, ff));
    assertTrue(nan.getMessage().contains("score 0 = NaN"), nan.getMessage());
  }

  // the exact summary of the members' (score, label) pairs, by AucSummary alone
  private static AucSummary summaryOf(List<Integer> members, float[] p, List<Example> ex) {
    float[] s = new float[members.size()];
    float[] y = new float[members.size()];
    for (int k = 0; k < s.length; k++) {
      s[k] = p[members.get(k)];
      y[k] = ex.get(members.get(k)).label();
    }
    return AucSummary.of(s, y, s.length);
  }

  @Test
  void growsWithinOneArrayAndNamesTheKeyBeyondIt() {
    assertEquals(2048, BucketedAuc.grownCapacity(1024, 1025, 26));
    int most = (Integer.MAX_VALUE - 8) / 26;
    assertEquals(most, BucketedAuc.grownCapacity(most - 10, most - 5, 26), "doubling stops at the largest array");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> BucketedAuc.grownCapacity(most, most + 1, 26));
    assertTrue(e.getMessage().contains("train.partitions"), e.getMessage());
  }

  private static byte[] bytes(BucketedAuc auc) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    auc.write(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }
}

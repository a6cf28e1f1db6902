package org.amtl.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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
      float[] s = new float[members.size()];
      float[] y = new float[members.size()];
      for (int k = 0; k < s.length; k++) {
        s[k] = p[members.get(k)];
        y[k] = ex.get(members.get(k)).label();
      }
      double expected = AucSummary.of(s, y, s.length).auc();
      assertEquals(expected, all.auc(0, bucket), 0);
      assertEquals(expected, merged.auc(0, bucket), 0);
      assertEquals(members.size(), all.count(0, bucket));
    }
    assertTrue(Double.isNaN(all.auc(0, 5)));
  }
}

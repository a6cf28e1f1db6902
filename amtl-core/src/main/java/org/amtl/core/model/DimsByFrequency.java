package org.amtl.core.model;

import org.amtl.core.data.FrequencyFeatures;

/** The learned dims of a model summarised by frequency: mean kept dim per log2-count bucket. */
public final class DimsByFrequency {
  private DimsByFrequency() {}

  /** Mean kept dim of in-vocabulary values per bucket floor(log2(1 + count)), over all fields (NaN if empty). */
  public static double[] meanByBucket(CtrModel model, int buckets) {
    double[] sum = new double[buckets];
    long[] n = new long[buckets];
    int[][] kept = model.keptDims();
    for (int f = 0; f < model.numFields(); f++) {
      FrequencyFeatures ff = FrequencyFeatures.of(model.vocabulary().field(f), buckets);
      for (int id = 1; id < kept[f].length; id++) {
        sum[ff.bucket(id)] += kept[f][id];
        n[ff.bucket(id)]++;
      }
    }
    double[] mean = new double[buckets];
    for (int b = 0; b < buckets; b++) {
      mean[b] = n[b] == 0 ? Double.NaN : sum[b] / n[b];
    }
    return mean;
  }
}

package org.amtl.core.model;

import org.amtl.core.data.FrequencyFeatures;

/**
 * The learned dims of a model summarised by frequency: mean kept dim of in-vocabulary values per log2-count
 * bucket floor(log2(1 + count)), per field and over all fields (NaN where a bucket has no value).
 */
public record DimsByFrequency(String[] fields, double[][] meanPerField, double[] meanAllFields) {

  public static DimsByFrequency of(CtrModel model, int buckets) {
    int fields = model.numFields();
    String[] names = new String[fields];
    double[][] perField = new double[fields][];
    long[] allSum = new long[buckets];
    long[] allN = new long[buckets];
    int[][] kept = model.keptDims();
    for (int f = 0; f < fields; f++) {
      names[f] = model.vocabulary().field(f).name();
      FrequencyFeatures ff = FrequencyFeatures.of(model.vocabulary().field(f), buckets);
      long[] sum = new long[buckets];
      long[] n = new long[buckets];
      for (int id = 1; id < kept[f].length; id++) {
        int b = ff.bucket(id);
        sum[b] += kept[f][id];
        n[b]++;
        allSum[b] += kept[f][id];
        allN[b]++;
      }
      perField[f] = means(sum, n);
    }
    return new DimsByFrequency(names, perField, means(allSum, allN));
  }

  /** Mean kept dim per bucket over all fields; shorthand for {@code of(model, buckets).meanAllFields()}. */
  public static double[] meanByBucket(CtrModel model, int buckets) {
    return of(model, buckets).meanAllFields();
  }

  /** sum[b] / n[b] per bucket; NaN where n[b] = 0. */
  public static double[] means(long[] sum, long[] n) {
    double[] mean = new double[sum.length];
    for (int b = 0; b < sum.length; b++) {
      mean[b] = n[b] == 0 ? Double.NaN : (double) sum[b] / n[b];
    }
    return mean;
  }
}

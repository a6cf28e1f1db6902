package org.amtl.core.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.amtl.core.data.Batch;
import org.amtl.core.data.FrequencyFeatures;

/**
 * Exact AUC per (field, frequency bucket): an example counts in field f's bucket of its value's count
 * (floor(log2(1 + count)); for a bag, its least frequent value). Mergeable like {@link AucSummary}.
 */
public final class BucketedAuc {
  private final AucSummary[][] summaries; // [field][bucket]

  public BucketedAuc(int fields, int buckets) {
    summaries = new AucSummary[fields][buckets];
    for (AucSummary[] row : summaries) {
      for (int b = 0; b < buckets; b++) {
        row[b] = new AucSummary();
      }
    }
  }

  /** Adds a batch's predictions; {@code features[f]} gives the bucket of each row id of field f. */
  public BucketedAuc add(Batch batch, float[] probabilities, FrequencyFeatures[] features) {
    int n = batch.size();
    int buckets = summaries[0].length;
    for (int f = 0; f < summaries.length; f++) {
      int[] offsets = batch.offsets(f);
      int[] ids = batch.ids(f);
      int[] bucketOf = new int[n];
      int[] counts = new int[buckets];
      for (int i = 0; i < n; i++) {
        int b = Integer.MAX_VALUE;
        for (int p = offsets[i]; p < offsets[i + 1]; p++) {
          b = Math.min(b, features[f].bucket(ids[p]));
        }
        bucketOf[i] = b;
        counts[b]++;
      }
      for (int b = 0; b < buckets; b++) {
        if (counts[b] == 0) {
          continue;
        }
        float[] s = new float[counts[b]];
        float[] l = new float[counts[b]];
        int k = 0;
        for (int i = 0; i < n; i++) {
          if (bucketOf[i] == b) {
            s[k] = probabilities[i];
            l[k++] = batch.label(i);
          }
        }
        summaries[f][b].add(s, l, k);
      }
    }
    return this;
  }

  public void write(DataOutput out) throws IOException {
    out.writeInt(summaries.length);
    out.writeInt(summaries[0].length);
    for (AucSummary[] row : summaries) {
      for (AucSummary s : row) {
        s.write(out);
      }
    }
  }

  public static BucketedAuc read(DataInput in) throws IOException {
    int fields = in.readInt();
    int buckets = in.readInt();
    if (fields < 1 || buckets < 1) {
      throw new IOException("bucketed AUC of " + fields + " fields x " + buckets + " buckets (expected >= 1 each)");
    }
    BucketedAuc b = new BucketedAuc(fields, buckets);
    for (int f = 0; f < fields; f++) {
      for (int k = 0; k < buckets; k++) {
        b.summaries[f][k] = AucSummary.read(in);
      }
    }
    return b;
  }

  public BucketedAuc merge(BucketedAuc other) {
    for (int f = 0; f < summaries.length; f++) {
      for (int b = 0; b < summaries[f].length; b++) {
        summaries[f][b].merge(other.summaries[f][b]);
      }
    }
    return this;
  }

  public int fields() {
    return summaries.length;
  }

  public int buckets() {
    return summaries[0].length;
  }

  /** The AUC of field f's bucket b (NaN when the bucket lacks positives or negatives). */
  public double auc(int field, int bucket) {
    return summaries[field][bucket].auc();
  }

  /** Examples in field f's bucket b. */
  public long count(int field, int bucket) {
    return summaries[field][bucket].positives() + summaries[field][bucket].negatives();
  }
}

package org.amtl.core.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

import org.amtl.core.data.Batch;
import org.amtl.core.data.FrequencyFeatures;

/**
 * Exact AUC per (field, frequency bucket): an example counts in field f's bucket of its value's count
 * (floor(log2(1 + count)); for a bag, its least frequent value). Mergeable like {@link AucSummary}.
 *
 * <p>Scored rows are kept compactly until they are summarized: the score, the label and one byte per field for its
 * bucket (about 5 + fields bytes a row, where one {@link AucSummary} per field would buffer 8 to 16 bytes per field
 * and row). {@link #write} sorts them by score once and streams the summaries field by field, so an evaluation
 * task never holds more than one field's summaries; {@link #merge} and the read-outs build every field's.
 */
public final class BucketedAuc {
  private static final int MAX_BUCKETS = 256; // a row's bucket is kept in one byte
  private final int fields;
  private final int buckets;
  private AucSummary[][] summaries; // [field][bucket]; rows below not yet in them
  private float[] scores = new float[0];
  private boolean[] positive = new boolean[0];
  private byte[] bucketOf = new byte[0]; // row-major (row, field)
  private int rows;

  public BucketedAuc(int fields, int buckets) {
    if (fields < 1 || buckets < 1 || buckets > MAX_BUCKETS) {
      throw new IllegalArgumentException("bucketed AUC of " + fields + " fields x " + buckets
          + " buckets (expected >= 1 field and 1.." + MAX_BUCKETS + " buckets)");
    }
    this.fields = fields;
    this.buckets = buckets;
    this.summaries = emptySummaries(fields, buckets);
  }

  private static AucSummary[][] emptySummaries(int fields, int buckets) {
    AucSummary[][] s = new AucSummary[fields][buckets];
    for (AucSummary[] row : s) {
      Arrays.setAll(row, b -> new AucSummary());
    }
    return s;
  }

  /** Adds a batch's predictions; {@code features[f]} gives the bucket of each row id of field f. */
  public BucketedAuc add(Batch batch, float[] probabilities, FrequencyFeatures[] features) {
    int n = batch.size();
    for (int i = 0; i < n; i++) {
      AucSummary.check(probabilities[i], batch.label(i), i);
    }
    reserve(rows + n);
    for (int i = 0; i < n; i++) {
      scores[rows + i] = probabilities[i];
      positive[rows + i] = batch.label(i) == 1f;
    }
    for (int f = 0; f < fields; f++) {
      int[] offsets = batch.offsets(f);
      int[] ids = batch.ids(f);
      for (int i = 0; i < n; i++) {
        int b = Integer.MAX_VALUE;
        for (int p = offsets[i]; p < offsets[i + 1]; p++) {
          b = Math.min(b, features[f].bucket(ids[p]));
        }
        bucketOf[(rows + i) * fields + f] = (byte) b;
      }
    }
    rows += n;
    return this;
  }

  private void reserve(int capacity) {
    if (capacity > scores.length) {
      int grown = grownCapacity(scores.length, capacity, fields);
      scores = Arrays.copyOf(scores, grown);
      positive = Arrays.copyOf(positive, grown);
      bucketOf = Arrays.copyOf(bucketOf, grown * fields);
    }
  }

  /** Rows to make room for: double the current, at least {@code needed}, within one array of rows x fields bytes. */
  static int grownCapacity(int current, int needed, int fields) {
    int most = (Integer.MAX_VALUE - 8) / fields; // the largest array a JVM allocates is a few short of 2^31
    if (needed > most) {
      throw new IllegalStateException("an evaluation partition of more than " + most + " rows x " + fields
          + " fields (its buckets are one byte per field and row in one array): use more partitions "
          + "(train.partitions)");
    }
    return (int) Math.min(most, Math.max(needed, 2L * current));
  }

  /** The binary form: field and bucket counts, then each (field, bucket)'s summary. */
  public void write(DataOutput out) throws IOException {
    out.writeInt(fields);
    out.writeInt(buckets);
    long[] order = rowsByScore();
    for (int f = 0; f < fields; f++) {
      AucSummary[] field = summarizeRows(order, f);
      for (int b = 0; b < buckets; b++) {
        field[b].merge(summaries[f][b]).write(out);
      }
    }
  }

  /** One distinct score of field f's bucket b in a written summary, with its counts. */
  public interface Entry {
    void accept(int field, int bucket, float score, long positives, long negatives) throws IOException;
  }

  /** Streams what {@link #write} wrote, (field, bucket) by (field, bucket), without holding it. */
  public static void forEachEntry(DataInput in, Entry entry) throws IOException {
    int fields = in.readInt();
    int buckets = in.readInt();
    checkShape(fields, buckets);
    for (int f = 0; f < fields; f++) {
      for (int k = 0; k < buckets; k++) {
        int field = f;
        int bucket = k;
        AucSummary.forEachEntry(in, (score, p, q) -> entry.accept(field, bucket, score, p, q));
      }
    }
  }

  /** The figures of summaries merged elsewhere: field f's bucket b holds {@code areas[f][b]}. */
  public static BucketedAuc ofAreas(AucArea[][] areas) {
    BucketedAuc b = new BucketedAuc(areas.length, areas[0].length);
    for (int f = 0; f < b.fields; f++) {
      for (int k = 0; k < b.buckets; k++) {
        b.summaries[f][k] = AucSummary.ofArea(areas[f][k]);
      }
    }
    return b;
  }

  private static void checkShape(int fields, int buckets) throws IOException {
    if (fields < 1 || buckets < 1 || buckets > MAX_BUCKETS) {
      throw new IOException("bucketed AUC of " + fields + " fields x " + buckets + " buckets (expected >= 1 field and "
          + "1.." + MAX_BUCKETS + " buckets)");
    }
  }

  public static BucketedAuc read(DataInput in) throws IOException {
    int fields = in.readInt();
    int buckets = in.readInt();
    checkShape(fields, buckets);
    BucketedAuc b = new BucketedAuc(fields, buckets);
    for (int f = 0; f < fields; f++) {
      for (int k = 0; k < buckets; k++) {
        b.summaries[f][k] = AucSummary.read(in);
      }
    }
    return b;
  }

  public BucketedAuc merge(BucketedAuc other) {
    if (other.fields != fields || other.buckets != buckets) {
      throw new IllegalArgumentException("merging bucketed AUC of " + other.fields + " fields x " + other.buckets
          + " buckets into " + fields + " x " + buckets);
    }
    settle();
    other.settle();
    for (int f = 0; f < fields; f++) {
      for (int b = 0; b < buckets; b++) {
        summaries[f][b].merge(other.summaries[f][b]);
      }
    }
    return this;
  }

  public int fields() {
    return fields;
  }

  public int buckets() {
    return buckets;
  }

  /** The AUC of field f's bucket b (NaN when the bucket lacks positives or negatives). */
  public double auc(int field, int bucket) {
    settle();
    return summaries[field][bucket].auc();
  }

  /** Examples in field f's bucket b. */
  public long count(int field, int bucket) {
    settle();
    return summaries[field][bucket].positives() + summaries[field][bucket].negatives();
  }

  /** Moves the kept rows into the summaries. */
  private void settle() {
    if (rows == 0) {
      return;
    }
    long[] order = rowsByScore();
    for (int f = 0; f < fields; f++) {
      AucSummary[] field = summarizeRows(order, f);
      for (int b = 0; b < buckets; b++) {
        summaries[f][b].merge(field[b]);
      }
    }
    rows = 0;
    scores = new float[0];
    positive = new boolean[0];
    bucketOf = new byte[0];
  }

  /**
   * The kept rows in ascending score order (as {@link Float#compare} orders them; ties by row), each as its
   * sortable score bits in the high half and its row in the low half, so one primitive sort orders them.
   */
  private long[] rowsByScore() {
    long[] order = new long[rows];
    for (int i = 0; i < rows; i++) {
      int bits = Float.floatToIntBits(scores[i]);
      int sortable = bits ^ ((bits >> 31) & 0x7fffffff); // negative floats' bits run the other way
      order[i] = ((long) sortable << 32) | i;
    }
    Arrays.sort(order);
    return order;
  }

  /** Field f's summary per bucket of the kept rows, built in ascending score order without another sort. */
  private AucSummary[] summarizeRows(long[] order, int f) {
    SortedBuilder[] builders = new SortedBuilder[buckets];
    for (long key : order) {
      int row = (int) key;
      int b = bucketOf[row * fields + f] & 0xff;
      if (builders[b] == null) {
        builders[b] = new SortedBuilder();
      }
      builders[b].add(scores[row], positive[row]);
    }
    AucSummary[] out = new AucSummary[buckets];
    for (int b = 0; b < buckets; b++) {
      out[b] = builders[b] == null ? new AucSummary() : builders[b].build();
    }
    return out;
  }

  /** Distinct scores with their counts, appended in ascending order. */
  private static final class SortedBuilder {
    private float[] scores = new float[16];
    private long[] positives = new long[16];
    private long[] negatives = new long[16];
    private int size;

    void add(float score, boolean positive) {
      if (size == 0 || Float.compare(scores[size - 1], score) != 0) {
        if (size == scores.length) {
          scores = Arrays.copyOf(scores, 2 * size);
          positives = Arrays.copyOf(positives, 2 * size);
          negatives = Arrays.copyOf(negatives, 2 * size);
        }
        scores[size++] = score;
      }
      if (positive) {
        positives[size - 1]++;
      } else {
        negatives[size - 1]++;
      }
    }

    AucSummary build() {
      return AucSummary.ofDistinct(scores, positives, negatives, size);
    }
  }
}

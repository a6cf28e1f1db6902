package org.amtl.core.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Exact ROC AUC as a mergeable summary: the distinct scores in ascending order with their positive and negative
 * counts. AUC = P(score of a random positive > score of a random negative), ties counting half. Merging two
 * summaries is a merge of sorted lists, so the result is exact and independent of how the data was split. Scores
 * {@link #add added} one batch at a time wait in a buffer and are sorted into the summary once, when it is next
 * read, so a pass over many batches costs one sort instead of a merge per batch (which grew with the pass).
 *
 * <p>A summary can also hold only the {@link AucArea} of scores summarised elsewhere ({@link #ofArea}: a
 * distributed merge of many partitions' summaries); it then answers {@link #auc}, {@link #positives} and
 * {@link #negatives} but cannot be added to, merged or written.
 */
public final class AucSummary {
  private float[] scores;
  private long[] positives;
  private long[] negatives;
  private int size;
  private float[] pendingScores = new float[0];
  private float[] pendingLabels = new float[0];
  private int pending;
  private final AucArea totals; // only for a summary of totals (ofArea); null otherwise

  /** One distinct score of a written summary with its counts ({@link #forEachEntry}). */
  public interface Entry {
    void accept(float score, long positives, long negatives) throws IOException;
  }

  public AucSummary() {
    this(new float[0], new long[0], new long[0], 0);
  }

  private AucSummary(float[] scores, long[] positives, long[] negatives, int size) {
    this.scores = scores;
    this.positives = positives;
    this.negatives = negatives;
    this.size = size;
    this.totals = null;
  }

  private AucSummary(AucArea totals) {
    this.scores = new float[0];
    this.positives = new long[0];
    this.negatives = new long[0];
    this.totals = totals;
  }

  /** A summary of totals only: the area of scores summarised elsewhere. */
  public static AucSummary ofArea(AucArea area) {
    return new AucSummary(area);
  }

  private void checkNotTotals() {
    if (totals != null) {
      throw new IllegalStateException("a summary of totals only (an AUC area) cannot take scores or be written");
    }
  }

  /** A summary of a batch of (score, label) pairs; labels must be 0 or 1 and scores not NaN. */
  public static AucSummary of(float[] scores, float[] labels, int n) {
    AucSummary summary = new AucSummary().add(scores, labels, n);
    summary.settle();
    return summary;
  }

  /** A settled summary of distinct scores in ascending order with their counts (the first {@code size} of each). */
  static AucSummary ofDistinct(float[] scores, long[] positives, long[] negatives, int size) {
    return new AucSummary(scores, positives, negatives, size);
  }

  // (score, label) pairs already checked -> their distinct scores, ascending, with counts
  private static AucSummary sorted(float[] scores, float[] labels, int n) {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
    float[] s = new float[n];
    long[] p = new long[n];
    long[] q = new long[n];
    int k = -1;
    for (int idx = 0; idx < n; idx++) {
      int i = order[idx];
      if (k < 0 || Float.compare(s[k], scores[i]) != 0) {
        k++;
        s[k] = scores[i];
      }
      if (labels[i] == 1f) {
        p[k]++;
      } else {
        q[k]++;
      }
    }
    return new AucSummary(s, p, q, k + 1);
  }

  /** Adds n (score, label) pairs; labels must be 0 or 1 and scores not NaN. Returns this. */
  public AucSummary add(float[] scores, float[] labels, int n) {
    checkNotTotals();
    for (int i = 0; i < n; i++) {
      check(scores[i], labels[i], i);
    }
    if (pending + n > pendingScores.length) {
      int capacity = Math.max(pending + n, 2 * pendingScores.length);
      pendingScores = Arrays.copyOf(pendingScores, capacity);
      pendingLabels = Arrays.copyOf(pendingLabels, capacity);
    }
    System.arraycopy(scores, 0, pendingScores, pending, n);
    System.arraycopy(labels, 0, pendingLabels, pending, n);
    pending += n;
    return this;
  }

  /** Refuses a NaN score or a label other than 0 or 1, naming pair i. */
  static void check(float score, float label, int i) {
    if (Float.isNaN(score)) {
      throw new IllegalArgumentException("score " + i + " = NaN (expected a number)");
    }
    if (label != 0f && label != 1f) {
      throw new IllegalArgumentException("label " + i + " = " + label + " (expected 0 or 1)");
    }
  }

  /** Sorts the buffered pairs into the summary. */
  private void settle() {
    if (pending > 0) {
      AucSummary added = sorted(pendingScores, pendingLabels, pending);
      pending = 0;
      pendingScores = new float[0];
      pendingLabels = new float[0];
      mergeSettled(added);
    }
  }

  /** Adds {@code other} into this summary and returns this. */
  public AucSummary merge(AucSummary other) {
    checkNotTotals();
    other.checkNotTotals();
    settle();
    other.settle();
    return mergeSettled(other);
  }

  private AucSummary mergeSettled(AucSummary other) {
    if (other.size == 0) {
      return this;
    }
    float[] s = new float[size + other.size];
    long[] p = new long[s.length];
    long[] q = new long[s.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < size || j < other.size) {
      int c = i == size ? 1 : j == other.size ? -1 : Float.compare(scores[i], other.scores[j]);
      if (c <= 0) {
        s[k] = scores[i];
        p[k] = positives[i];
        q[k] = negatives[i];
        i++;
        if (c == 0) {
          p[k] += other.positives[j];
          q[k] += other.negatives[j];
          j++;
        }
      } else {
        s[k] = other.scores[j];
        p[k] = other.positives[j];
        q[k] = other.negatives[j];
        j++;
      }
      k++;
    }
    scores = s;
    positives = p;
    negatives = q;
    size = k;
    return this;
  }

  public long positives() {
    if (totals != null) {
      return totals.positives();
    }
    settle();
    long t = 0;
    for (int i = 0; i < size; i++) {
      t += positives[i];
    }
    return t;
  }

  public long negatives() {
    if (totals != null) {
      return totals.negatives();
    }
    settle();
    long t = 0;
    for (int i = 0; i < size; i++) {
      t += negatives[i];
    }
    return t;
  }

  /** Writes the distinct scores with their counts. */
  public void write(DataOutput out) throws IOException {
    checkNotTotals();
    settle();
    out.writeInt(size);
    for (int i = 0; i < size; i++) {
      out.writeFloat(scores[i]);
      out.writeLong(positives[i]);
      out.writeLong(negatives[i]);
    }
  }

  public static AucSummary read(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("AUC summary size " + n + " (expected >= 0)");
    }
    AucSummary s = new AucSummary(new float[n], new long[n], new long[n], n);
    for (int i = 0; i < n; i++) {
      s.scores[i] = in.readFloat();
      s.positives[i] = in.readLong();
      s.negatives[i] = in.readLong();
    }
    return s;
  }

  /**
   * Streams a summary {@link #write} wrote, entry by entry in ascending score order, without holding it (a reader
   * that only needs the bytes after it, or that hands the entries on).
   */
  public static void forEachEntry(DataInput in, Entry entry) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("AUC summary size " + n + " (expected >= 0)");
    }
    for (int i = 0; i < n; i++) {
      entry.accept(in.readFloat(), in.readLong(), in.readLong());
    }
  }

  /** The exact area of the summary's scores (integers: the same however the scores were split and merged). */
  public AucArea area() {
    if (totals != null) {
      return totals;
    }
    settle();
    AucArea area = AucArea.EMPTY;
    for (int i = 0; i < size; i++) {
      area = area.plus(positives[i], negatives[i]);
    }
    return area;
  }

  /** The AUC, or NaN when there are no positives or no negatives. */
  public double auc() {
    return area().auc();
  }
}

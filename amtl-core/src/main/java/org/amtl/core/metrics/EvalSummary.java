package org.amtl.core.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Mergeable evaluation of predicted probabilities against 0/1 labels: exact AUC, logloss and calibration
 * (mean prediction / mean label). Sums are in double; merge partial summaries in a fixed order for bit-identical
 * results.
 */
public final class EvalSummary {
  private final AucSummary auc;
  private double lossSum;
  private double predictionSum;
  private double labelSum;
  private long count;

  public EvalSummary() {
    this(new AucSummary());
  }

  private EvalSummary(AucSummary auc) {
    this.auc = auc;
  }

  public void write(DataOutput out) throws IOException {
    auc.write(out);
    out.writeDouble(lossSum);
    out.writeDouble(predictionSum);
    out.writeDouble(labelSum);
    out.writeLong(count);
  }

  public static EvalSummary read(DataInput in) throws IOException {
    EvalSummary s = new EvalSummary(AucSummary.read(in));
    s.lossSum = in.readDouble();
    s.predictionSum = in.readDouble();
    s.labelSum = in.readDouble();
    s.count = in.readLong();
    return s;
  }

  /**
   * Reads a written summary's loss, calibration sums and count, handing its distinct scores to {@code scores}
   * instead of holding them: its AUC is left empty (for {@link #withArea}, once the scores are merged elsewhere).
   */
  public static EvalSummary readWithoutScores(DataInput in, AucSummary.Entry scores) throws IOException {
    AucSummary.forEachEntry(in, scores);
    EvalSummary s = new EvalSummary();
    s.lossSum = in.readDouble();
    s.predictionSum = in.readDouble();
    s.labelSum = in.readDouble();
    s.count = in.readLong();
    return s;
  }

  /** This summary's loss and calibration with the AUC of {@code area}, scores summarised elsewhere. */
  public EvalSummary withArea(AucArea area) {
    EvalSummary s = new EvalSummary(AucSummary.ofArea(area));
    s.lossSum = lossSum;
    s.predictionSum = predictionSum;
    s.labelSum = labelSum;
    s.count = count;
    return s;
  }

  /** Adds n predictions (probabilities) and labels. */
  public EvalSummary add(float[] probabilities, float[] labels, int n) {
    auc.add(probabilities, labels, n);
    for (int i = 0; i < n; i++) {
      lossSum += clampedLoss(probabilities[i], labels[i]);
      predictionSum += probabilities[i];
      labelSum += labels[i];
    }
    count += n;
    return this;
  }

  /** Adds {@code other} into this and returns this. */
  public EvalSummary merge(EvalSummary other) {
    auc.merge(other.auc);
    lossSum += other.lossSum;
    predictionSum += other.predictionSum;
    labelSum += other.labelSum;
    count += other.count;
    return this;
  }

  public double auc() {
    return auc.auc();
  }

  public double logloss() {
    return count == 0 ? Double.NaN : lossSum / count;
  }

  /** Mean prediction over mean label (1.0 is perfectly calibrated); NaN without positives. */
  public double calibration() {
    return labelSum == 0 ? Double.NaN : predictionSum / labelSum;
  }

  public long count() {
    return count;
  }

  /** Logloss of one probability, clamped to [1e-7, 1 - 1e-7] so a saturated prediction costs at most ~16. */
  static double clampedLoss(double p, float label) {
    double q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
    return label == 1f ? -Math.log(q) : -Math.log1p(-q);
  }
}

package org.amtl.core.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Mergeable evaluation of predicted probabilities against 0/1 labels: exact AUC, logloss and calibration
 * (mean prediction / mean label). Every sum is exact ({@link AucArea}, {@link ExactSum}, counts), so partial
 * summaries merged in any order and over any partitioning of the examples give the same figures to the bit.
 */
public final class EvalSummary {
  private final AucSummary auc;
  private ExactSum lossSum = new ExactSum();
  private ExactSum predictionSum = new ExactSum();
  private long labelSum;
  private long count;

  public EvalSummary() {
    this(new AucSummary());
  }

  private EvalSummary(AucSummary auc) {
    this.auc = auc;
  }

  public void write(DataOutput out) throws IOException {
    auc.write(out);
    lossSum.write(out);
    predictionSum.write(out);
    out.writeLong(labelSum);
    out.writeLong(count);
  }

  public static EvalSummary read(DataInput in) throws IOException {
    EvalSummary s = new EvalSummary(AucSummary.read(in));
    s.lossSum = ExactSum.read(in);
    s.predictionSum = ExactSum.read(in);
    s.labelSum = in.readLong();
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
    s.lossSum = ExactSum.read(in);
    s.predictionSum = ExactSum.read(in);
    s.labelSum = in.readLong();
    s.count = in.readLong();
    return s;
  }

  /** This summary's loss and calibration with the AUC of {@code area}, scores summarised elsewhere. */
  public EvalSummary withArea(AucArea area) {
    return copyFigures(new EvalSummary(AucSummary.ofArea(area)));
  }

  /** This summary's loss and calibration without its scores (to send where the AUC is merged apart). */
  public EvalSummary withoutScores() {
    return copyFigures(new EvalSummary());
  }

  private EvalSummary copyFigures(EvalSummary s) {
    s.lossSum.add(lossSum);
    s.predictionSum.add(predictionSum);
    s.labelSum = labelSum;
    s.count = count;
    return s;
  }

  /** Adds n predictions (probabilities) and labels. */
  public EvalSummary add(float[] probabilities, float[] labels, int n) {
    auc.add(probabilities, labels, n);
    for (int i = 0; i < n; i++) {
      lossSum.add(clampedLoss(probabilities[i], labels[i]));
      predictionSum.add(probabilities[i]);
      labelSum += labels[i] == 1f ? 1 : 0;
    }
    count += n;
    return this;
  }

  /** Adds {@code other} into this and returns this. */
  public EvalSummary merge(EvalSummary other) {
    auc.merge(other.auc);
    lossSum.add(other.lossSum);
    predictionSum.add(other.predictionSum);
    labelSum += other.labelSum;
    count += other.count;
    return this;
  }

  public double auc() {
    return auc.auc();
  }

  public double logloss() {
    return count == 0 ? Double.NaN : lossSum.value() / count;
  }

  /** Mean prediction over mean label (1.0 is perfectly calibrated); NaN without positives. */
  public double calibration() {
    return labelSum == 0 ? Double.NaN : predictionSum.value() / labelSum;
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

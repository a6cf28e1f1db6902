package org.amtl.spark.job;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.amtl.core.metrics.BucketedAuc;
import org.amtl.core.metrics.EvalSummary;

/**
 * One partition's evaluation: mergeable summaries, written by its task to the exchange folder and combined on the
 * driver in partition order.
 */
record EvalPart(int partition, EvalSummary summary, BucketedAuc perBucket) {
  static void write(EvalPart p, DataOutputStream out) throws IOException {
    out.writeInt(p.partition);
    p.summary.write(out);
    p.perBucket.write(out);
  }

  /** One distinct score of a part: its AUC (0 the whole split, 1 + f x buckets + b field f's bucket b), counts. */
  interface ScoreSink {
    void accept(int auc, float score, long positives, long negatives) throws IOException;
  }

  /**
   * Reads a part's loss and calibration figures, handing every distinct score to {@code scores} instead of holding
   * them (the AUCs of the returned summary stay empty).
   */
  static EvalSummary stream(DataInputStream in, int buckets, ScoreSink scores) throws IOException {
    in.readInt(); // the partition
    EvalSummary figures = EvalSummary.readWithoutScores(in, (score, p, q) -> scores.accept(0, score, p, q));
    BucketedAuc.forEachEntry(in, (f, b, score, p, q) -> scores.accept(1 + f * buckets + b, score, p, q));
    return figures;
  }

  static EvalPart read(DataInputStream in) throws IOException {
    return new EvalPart(in.readInt(), EvalSummary.read(in), BucketedAuc.read(in));
  }
}

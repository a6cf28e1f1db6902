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

  static EvalPart read(DataInputStream in) throws IOException {
    return new EvalPart(in.readInt(), EvalSummary.read(in), BucketedAuc.read(in));
  }
}

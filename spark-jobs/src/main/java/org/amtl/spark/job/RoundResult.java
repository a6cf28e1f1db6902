package org.amtl.spark.job;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What one partition returns from a round: its index, what it trained on, and where it wrote the rows it changed;
 * or, when its training diverged, what went non-finite ({@code diverged}, empty otherwise) and no file.
 */
record RoundResult(int partition, long examples, long steps, double lossSum, String stateFile, String diverged) {
  /** A partition whose training diverged: a failure of the run, not of the task, so Spark does not retry it. */
  static RoundResult diverged(int partition, String what) {
    return new RoundResult(partition, 0, 0, Double.NaN, "", what);
  }

  static void write(RoundResult r, DataOutputStream out) throws IOException {
    out.writeInt(r.partition);
    out.writeLong(r.examples);
    out.writeLong(r.steps);
    out.writeDouble(r.lossSum);
    out.writeUTF(r.stateFile);
    out.writeUTF(r.diverged);
  }

  static RoundResult read(DataInputStream in) throws IOException {
    return new RoundResult(in.readInt(), in.readLong(), in.readLong(), in.readDouble(), in.readUTF(), in.readUTF());
  }
}

package org.amtl.spark;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** What one partition returns from a round: its index, what it trained on, and where it wrote the rows it changed. */
record RoundResult(int partition, long examples, long steps, double lossSum, String stateFile) {
  static void write(RoundResult r, DataOutputStream out) throws IOException {
    out.writeInt(r.partition);
    out.writeLong(r.examples);
    out.writeLong(r.steps);
    out.writeDouble(r.lossSum);
    out.writeUTF(r.stateFile);
  }

  static RoundResult read(DataInputStream in) throws IOException {
    return new RoundResult(in.readInt(), in.readLong(), in.readLong(), in.readDouble(), in.readUTF());
  }
}

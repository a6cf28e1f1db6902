package org.amtl.spark;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.amtl.core.model.ModelState;

/** What one partition returns from a round: its index, what it trained on, and the state it ended with. */
record RoundResult(int partition, long examples, long steps, double lossSum, ModelState state) {
  static void write(RoundResult r, DataOutputStream out) throws IOException {
    out.writeInt(r.partition);
    out.writeLong(r.examples);
    out.writeLong(r.steps);
    out.writeDouble(r.lossSum);
    r.state.write(out);
  }

  static RoundResult read(DataInputStream in) throws IOException {
    return new RoundResult(in.readInt(), in.readLong(), in.readLong(), in.readDouble(), ModelState.read(in));
  }
}

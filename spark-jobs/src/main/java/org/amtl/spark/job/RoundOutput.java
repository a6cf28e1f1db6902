package org.amtl.spark.job;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What a sharded round's training task gives back, one element at a time: its {@link RoundResult} (what it
 * trained on, and the file of its dense state) once, and a {@link RowCopy} per row it changed. Exactly one of the
 * two is set.
 */
record RoundOutput(RoundResult result, RowCopy copy) {
  static RoundOutput of(RoundResult result) {
    return new RoundOutput(result, null);
  }

  static RoundOutput of(RowCopy copy) {
    return new RoundOutput(null, copy);
  }

  static void write(RoundOutput o, DataOutputStream out) throws IOException {
    out.writeBoolean(o.result != null);
    if (o.result != null) {
      RoundResult.write(o.result, out);
    } else {
      RowCopy.write(o.copy, out);
    }
  }

  static RoundOutput read(DataInputStream in) throws IOException {
    return in.readBoolean() ? of(RoundResult.read(in)) : of(RowCopy.read(in));
  }
}

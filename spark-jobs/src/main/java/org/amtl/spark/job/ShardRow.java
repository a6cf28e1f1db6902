package org.amtl.spark.job;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * One row as the sharded tables hold and move it: its key ((field, id), {@link RowShards#key}), its value's count
 * (what a model over a slice needs for the frequency features) and its record ({@code RowRecords}: each table's
 * values then accumulators).
 */
record ShardRow(long key, long count, float[] record) {
  static void write(ShardRow r, DataOutputStream out) throws IOException {
    out.writeLong(r.key);
    out.writeLong(r.count);
    writeFloats(r.record, out);
  }

  /** A record's length, then its floats. */
  static void writeFloats(float[] record, DataOutputStream out) throws IOException {
    out.writeInt(record.length);
    for (float v : record) {
      out.writeFloat(v);
    }
  }

  static float[] readFloats(DataInputStream in) throws IOException {
    float[] record = new float[in.readInt()];
    for (int i = 0; i < record.length; i++) {
      record[i] = in.readFloat();
    }
    return record;
  }

  static ShardRow read(DataInputStream in) throws IOException {
    long key = in.readLong();
    long count = in.readLong();
    return new ShardRow(key, count, readFloats(in));
  }
}

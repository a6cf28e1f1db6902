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
    out.writeInt(r.record.length);
    for (float v : r.record) {
      out.writeFloat(v);
    }
  }

  static ShardRow read(DataInputStream in) throws IOException {
    long key = in.readLong();
    long count = in.readLong();
    float[] record = new float[in.readInt()];
    for (int i = 0; i < record.length; i++) {
      record[i] = in.readFloat();
    }
    return new ShardRow(key, count, record);
  }
}

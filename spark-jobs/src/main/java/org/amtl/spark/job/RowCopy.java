package org.amtl.spark.job;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A data partition's copy of a row it changed in a round, on its way to the row's shard: the partition (shards
 * combine copies in partition order), the mask of the field's tables that changed it, and the record.
 */
record RowCopy(long key, int partition, int mask, float[] record) {
  static void write(RowCopy c, DataOutputStream out) throws IOException {
    out.writeLong(c.key);
    out.writeInt(c.partition);
    out.writeInt(c.mask);
    out.writeInt(c.record.length);
    for (float v : c.record) {
      out.writeFloat(v);
    }
  }

  static RowCopy read(DataInputStream in) throws IOException {
    long key = in.readLong();
    int partition = in.readInt();
    int mask = in.readInt();
    float[] record = new float[in.readInt()];
    for (int i = 0; i < record.length; i++) {
      record[i] = in.readFloat();
    }
    return new RowCopy(key, partition, mask, record);
  }
}

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
    ShardRow.writeFloats(c.record, out);
  }

  static RowCopy read(DataInputStream in) throws IOException {
    long key = in.readLong();
    int partition = in.readInt();
    int mask = in.readInt();
    return new RowCopy(key, partition, mask, ShardRow.readFloats(in));
  }
}

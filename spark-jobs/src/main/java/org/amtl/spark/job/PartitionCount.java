package org.amtl.spark.job;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** The number of encoded examples in one partition, and the bytes their block holds. */
record PartitionCount(int partition, long examples, long bytes) {
  static void write(PartitionCount c, DataOutputStream out) throws IOException {
    out.writeInt(c.partition);
    out.writeLong(c.examples);
    out.writeLong(c.bytes);
  }

  static PartitionCount read(DataInputStream in) throws IOException {
    return new PartitionCount(in.readInt(), in.readLong(), in.readLong());
  }
}

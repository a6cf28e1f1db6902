package org.amtl.spark;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** The number of encoded examples in one partition. */
record PartitionCount(int partition, long examples) {
  static void write(PartitionCount c, DataOutputStream out) throws IOException {
    out.writeInt(c.partition);
    out.writeLong(c.examples);
  }

  static PartitionCount read(DataInputStream in) throws IOException {
    return new PartitionCount(in.readInt(), in.readLong());
  }
}

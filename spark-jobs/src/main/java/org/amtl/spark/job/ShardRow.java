package org.amtl.spark.job;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * One row as the sharded tables move it (pulled to a slice, written to a checkpoint; between rounds a shard holds its
 * rows as one {@link RowBlock}): its key ((field, id), {@link RowShards#key}), its value's count (what a model over a
 * slice needs for the frequency features) and its record ({@code RowRecords}: each table's values then
 * accumulators).
 */
record ShardRow(long key, long count, float[] record) {
  static void write(ShardRow r, DataOutputStream out) throws IOException {
    out.writeLong(r.key);
    out.writeLong(r.count);
    writeFloats(r.record, out);
  }

  /**
   * A record's length, then its floats (big-endian, the bytes {@code writeFloat} gives each) in one write: a float
   * at a time costs four single-byte writes on JDK 17, and every shuffle, cached block and checkpoint of the rows
   * passes here.
   */
  static void writeFloats(float[] record, DataOutputStream out) throws IOException {
    out.writeInt(record.length);
    byte[] bytes = new byte[record.length * Float.BYTES];
    java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().put(record);
    out.write(bytes);
  }

  static float[] readFloats(DataInputStream in) throws IOException {
    float[] record = new float[in.readInt()];
    byte[] bytes = new byte[record.length * Float.BYTES];
    in.readFully(bytes);
    java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(record);
    return record;
  }

  static ShardRow read(DataInputStream in) throws IOException {
    long key = in.readLong();
    long count = in.readLong();
    return new ShardRow(key, count, readFloats(in));
  }
}

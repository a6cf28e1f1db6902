package org.amtl.spark.job;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * One shard's rows as Spark holds them between rounds: the keys ascending, each row's count, and every record in one
 * float array. A round then costs a shard the rows it moves plus one copy of the array: pulled rows are found by
 * binary search, and changed rows are written into a copy, where per-row objects in a keyed dataset made every round
 * touch, hash and (once the shards left memory) deserialize every row of the vocabulary. Immutable: a new block
 * shares the keys and counts of the one it was made from.
 */
final class RowBlock {
  private final long[] keys;
  private final long[] counts;
  private final int[] starts; // row i's record is floats[starts[i], starts[i + 1])
  private final float[] floats;

  private RowBlock(long[] keys, long[] counts, int[] starts, float[] floats) {
    this.keys = keys;
    this.counts = counts;
    this.starts = starts;
    this.floats = floats;
  }

  /** The block of {@code rows}, which must come in ascending key order, each with a record. */
  static RowBlock of(List<ShardRow> rows) {
    int n = rows.size();
    long[] keys = new long[n];
    long[] counts = new long[n];
    int[] starts = new int[n + 1];
    for (int i = 0; i < n; i++) {
      ShardRow r = rows.get(i);
      if (i > 0 && r.key() <= keys[i - 1]) {
        throw new IllegalArgumentException("rows out of key order at " + i + ": " + r.key() + " after " + keys[i - 1]);
      }
      keys[i] = r.key();
      counts[i] = r.count();
      starts[i + 1] = Math.addExact(starts[i], r.record().length);
    }
    float[] floats = new float[starts[n]];
    for (int i = 0; i < n; i++) {
      float[] record = rows.get(i).record();
      System.arraycopy(record, 0, floats, starts[i], record.length);
    }
    return new RowBlock(keys, counts, starts, floats);
  }

  int size() {
    return keys.length;
  }

  /** The index of the row with {@code key}, or a negative number if the block has no such row. */
  int indexOf(long key) {
    return Arrays.binarySearch(keys, key);
  }

  long key(int i) {
    return keys[i];
  }

  /** Row {@code i}, with a copy of its record. */
  ShardRow row(int i) {
    return new ShardRow(keys[i], counts[i], Arrays.copyOfRange(floats, starts[i], starts[i + 1]));
  }

  /** Every row in key order, each with a copy of its record. */
  Iterator<ShardRow> rows() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < keys.length;
      }

      @Override
      public ShardRow next() {
        if (next >= keys.length) {
          throw new NoSuchElementException();
        }
        return row(next++);
      }
    };
  }

  /** A block to write changed records into: same keys and counts, a copy of the records. */
  Changes changes() {
    return new Changes(floats.clone());
  }

  /** The records of a block being changed; {@link #done} gives the new block. */
  final class Changes {
    private final float[] changed;

    private Changes(float[] changed) {
      this.changed = changed;
    }

    /** Row {@code i}'s record as it stands now (a copy). */
    float[] record(int i) {
      return Arrays.copyOfRange(changed, starts[i], starts[i + 1]);
    }

    /** Replaces row {@code i}'s record. */
    void set(int i, float[] record) {
      if (record.length != starts[i + 1] - starts[i]) {
        throw new IllegalArgumentException("row " + keys[i] + ": a record of " + record.length + " floats for one of "
            + (starts[i + 1] - starts[i]));
      }
      System.arraycopy(record, 0, changed, starts[i], record.length);
    }

    RowBlock done() {
      return new RowBlock(keys, counts, starts, changed);
    }
  }

  /** The sharded rows one by one, keyed (partition s of {@code blocks} is shard s). */
  static JavaPairRDD<Long, ShardRow> flatten(JavaRDD<RowBlock> blocks) {
    return blocks.flatMapToPair(b -> {
      Iterator<ShardRow> rows = b.rows();
      return new Iterator<Tuple2<Long, ShardRow>>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Tuple2<Long, ShardRow> next() {
          ShardRow r = rows.next();
          return new Tuple2<>(r.key(), r);
        }
      };
    });
  }

  /**
   * Kryo's form of a block (every shuffle, cached block spilled to disk and task result holding one): the arrays
   * little-endian in bulk, through a small buffer, so a block of a few hundred MB needs no second copy in memory.
   */
  static final class KryoForm extends Serializer<RowBlock> {
    private static final int CHUNK = 1 << 16; // bytes
    private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);

    @Override
    public void write(Kryo kryo, Output out, RowBlock b) {
      int n = b.keys.length;
      out.writeInt(n);
      for (int from = 0; from < n; from += CHUNK / Long.BYTES) {
        int len = Math.min(CHUNK / Long.BYTES, n - from);
        buffer.clear();
        buffer.asLongBuffer().put(b.keys, from, len);
        out.writeBytes(buffer.array(), 0, len * Long.BYTES);
        buffer.clear();
        buffer.asLongBuffer().put(b.counts, from, len);
        out.writeBytes(buffer.array(), 0, len * Long.BYTES);
      }
      for (int from = 0; from <= n; from += CHUNK / Integer.BYTES) {
        int len = Math.min(CHUNK / Integer.BYTES, n + 1 - from);
        buffer.clear();
        buffer.asIntBuffer().put(b.starts, from, len);
        out.writeBytes(buffer.array(), 0, len * Integer.BYTES);
      }
      for (int from = 0; from < b.floats.length; from += CHUNK / Float.BYTES) {
        int len = Math.min(CHUNK / Float.BYTES, b.floats.length - from);
        buffer.clear();
        buffer.asFloatBuffer().put(b.floats, from, len);
        out.writeBytes(buffer.array(), 0, len * Float.BYTES);
      }
    }

    @Override
    public RowBlock read(Kryo kryo, Input in, Class<RowBlock> type) {
      int n = in.readInt();
      long[] keys = new long[n];
      long[] counts = new long[n];
      int[] starts = new int[n + 1];
      for (int from = 0; from < n; from += CHUNK / Long.BYTES) {
        int len = Math.min(CHUNK / Long.BYTES, n - from);
        fill(in, len * Long.BYTES).asLongBuffer().get(keys, from, len);
        fill(in, len * Long.BYTES).asLongBuffer().get(counts, from, len);
      }
      for (int from = 0; from <= n; from += CHUNK / Integer.BYTES) {
        int len = Math.min(CHUNK / Integer.BYTES, n + 1 - from);
        fill(in, len * Integer.BYTES).asIntBuffer().get(starts, from, len);
      }
      float[] floats = new float[starts[n]];
      for (int from = 0; from < floats.length; from += CHUNK / Float.BYTES) {
        int len = Math.min(CHUNK / Float.BYTES, floats.length - from);
        fill(in, len * Float.BYTES).asFloatBuffer().get(floats, from, len);
      }
      return new RowBlock(keys, counts, starts, floats);
    }

    private ByteBuffer fill(Input in, int bytes) {
      buffer.clear();
      in.readBytes(buffer.array(), 0, bytes);
      buffer.limit(bytes);
      return buffer;
    }
  }
}

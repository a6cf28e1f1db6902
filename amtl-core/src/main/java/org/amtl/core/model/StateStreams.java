package org.amtl.core.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.BitSet;
import java.util.List;
import org.amtl.core.layers.EmbeddingTable;

/**
 * A model's state written from, and read into, the model's own arrays in {@link ModelState}'s binary layout,
 * without a detached copy in between: what a training worker needs to hold one copy of the model and no more.
 * The bytes equal those of {@code model.snapshot().write(out)} (or {@code snapshotTouched()}), and reading them
 * loads what {@code model.load(ModelState.read(in))} loads. Floats pass through one 64 KiB buffer.
 *
 * <p>Unlike {@link ModelState#applyTo}, a read that fails part way (a truncated stream, a non-finite value, a
 * table that does not match) leaves the model partly loaded: load a full state again before using it.
 */
public final class StateStreams {
  private static final int CHUNK_FLOATS = 16 * 1024;

  private final byte[] bytes = new byte[CHUNK_FLOATS * Float.BYTES];
  private final FloatBuffer floats = ByteBuffer.wrap(bytes).asFloatBuffer();

  /** Writes the model's dense state and every row (or only the rows touched since its last clear). */
  public void write(CtrModel model, boolean touchedOnly, DataOutputStream out) throws IOException {
    out.writeInt(ModelState.MAGIC);
    out.writeInt(ModelState.FORMAT_VERSION);
    float[] dense = model.params().values();
    out.writeInt(dense.length);
    writeFloats(out, dense, 0, dense.length);
    float[][] opt = model.denseOptimizer().state();
    out.writeInt(opt.length);
    for (float[] s : opt) {
      out.writeInt(s.length);
      writeFloats(out, s, 0, s.length);
    }
    out.writeLong(model.denseOptimizer().steps());
    List<EmbeddingTable> tables = model.tables();
    out.writeInt(tables.size());
    for (EmbeddingTable t : tables) {
      int w = t.width();
      out.writeUTF(t.name());
      out.writeInt(t.rows());
      out.writeInt(w);
      if (!touchedOnly) {
        out.writeInt(-1);
        for (float[] a : new float[][] {t.values(), t.accumulators()}) {
          out.writeInt(a.length);
          writeFloats(out, a, 0, a.length);
        }
        continue;
      }
      BitSet touched = t.touched();
      int k = touched.cardinality();
      out.writeInt(k);
      for (int id = touched.nextSetBit(0); id >= 0; id = touched.nextSetBit(id + 1)) {
        out.writeInt(id);
      }
      for (float[] a : new float[][] {t.values(), t.accumulators()}) {
        out.writeInt(Math.multiplyExact(k, w));
        for (int id = touched.nextSetBit(0); id >= 0; id = touched.nextSetBit(id + 1)) {
          writeFloats(out, a, id * w, w);
        }
      }
    }
  }

  /** Reads a state (all rows or some) into the model: its dense values and optimizer state, and the rows held. */
  public void readInto(DataInputStream in, CtrModel model) throws IOException {
    ModelState.readHeader(in);
    float[] dense = model.params().values();
    expectLength(in.readInt(), dense.length, "dense parameters");
    readFloats(in, dense, 0, dense.length, "dense value");
    float[][] opt = model.denseOptimizer().state();
    expectLength(in.readInt(), opt.length, "optimizer state arrays");
    float[][] optRead = new float[opt.length][];
    for (int s = 0; s < opt.length; s++) {
      expectLength(in.readInt(), opt[s].length, "optimizer state values");
      optRead[s] = new float[opt[s].length];
      readFloats(in, optRead[s], 0, opt[s].length, null);
    }
    model.denseOptimizer().setState(optRead, in.readLong());
    List<EmbeddingTable> tables = model.tables();
    expectLength(in.readInt(), tables.size(), "embedding tables");
    for (int i = 0; i < tables.size(); i++) {
      EmbeddingTable t = tables.get(i);
      String name = in.readUTF();
      int rows = in.readInt();
      int w = in.readInt();
      if (!name.equals(t.name()) || rows != t.rows() || w != t.width()) {
        throw new IOException("state table " + i + " is '" + name + "' (" + rows + " x " + w + "), model table is '"
            + t.name() + "' (" + t.rows() + " x " + t.width() + ")");
      }
      int k = in.readInt();
      String what = "table '" + name + "' value";
      if (k < 0) {
        for (float[] a : new float[][] {t.values(), t.accumulators()}) {
          expectLength(in.readInt(), a.length, "values in table '" + name + "'");
          readFloats(in, a, 0, a.length, a == t.values() ? what : null);
        }
        continue;
      }
      if (k > rows) {
        throw new IOException("table '" + name + "': " + k + " rows held (expected at most " + rows + ")");
      }
      int[] ids = new int[k];
      for (int j = 0; j < k; j++) {
        ids[j] = in.readInt();
        if (ids[j] < 0 || ids[j] >= rows) {
          throw new IOException("table '" + name + "': row id " + ids[j] + " (expected 0.." + (rows - 1) + ")");
        }
      }
      for (float[] a : new float[][] {t.values(), t.accumulators()}) {
        expectLength(in.readInt(), k * w, "values in table '" + name + "'");
        for (int id : ids) {
          readFloats(in, a, id * w, w, a == t.values() ? what : null);
        }
      }
    }
  }

  /** Writes a[from..from+n) through the buffer (all of it: the caller may write to {@code out} next). */
  private void writeFloats(DataOutputStream out, float[] a, int from, int n) throws IOException {
    for (int done = 0; done < n; ) {
      int len = Math.min(n - done, CHUNK_FLOATS);
      floats.clear();
      floats.put(a, from + done, len);
      out.write(bytes, 0, len * Float.BYTES);
      done += len;
    }
  }

  /** Reads n floats into a[from..]; {@code what}, when not null, names values that must be finite. */
  private void readFloats(DataInputStream in, float[] a, int from, int n, String what) throws IOException {
    int done = 0;
    while (done < n) {
      int len = Math.min(n - done, CHUNK_FLOATS);
      in.readFully(bytes, 0, len * Float.BYTES);
      floats.clear();
      floats.get(a, from + done, len);
      done += len;
    }
    if (what != null) {
      for (int i = from; i < from + n; i++) {
        if (!Float.isFinite(a[i])) {
          throw new IOException("state " + what + " " + i + " = " + a[i] + " (expected a finite number)");
        }
      }
    }
  }

  private static void expectLength(int found, int expected, String what) throws IOException {
    if (found != expected) {
      throw new IOException("state has " + found + " " + what + " (expected " + expected + ")");
    }
  }
}

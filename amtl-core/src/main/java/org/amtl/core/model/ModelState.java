package org.amtl.core.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.amtl.core.layers.DenseParams;
import org.amtl.core.layers.EmbeddingTable;

/**
 * A detached copy of a model's trainable state: the dense block, the dense optimizer's state and step count,
 * and per embedding table either every row or a subset of rows (with their Adagrad accumulators).
 *
 * <p>Averaging (parameter averaging across data-parallel copies): dense values and optimizer state are the
 * weighted mean (weights = examples each copy trained on); each row is the plain mean over the copies that hold
 * it; rows no copy holds are left out, so applying the average leaves them as they were. Sums run in the order
 * of the list, so a fixed list order gives bit-identical results.
 *
 * <p>Binary layout (big-endian), version {@value #FORMAT_VERSION}:
 * <pre>
 *   int    magic 0x414D5453 ("AMTS")      int version
 *   int    n, float[n] dense             int s, then s x float[n] optimizer state     long optimizer steps
 *   int    tables, then per table: UTF name, int rows, int width, int k (-1 = all rows),
 *          int[k] row ids (ascending, if k >= 0), float[k' * width] values, float[k' * width] accumulators
 * </pre>
 */
public final class ModelState {
  public static final int MAGIC = 0x414D5453;
  public static final int FORMAT_VERSION = 1;

  /** The rows of one table held by this state; {@code rowIds == null} means all rows in order. */
  public record TableRows(String name, int rows, int width, int[] rowIds, float[] values, float[] accumulators) {
    int count() {
      return rowIds == null ? rows : rowIds.length;
    }
  }

  private final float[] dense;
  private final float[][] optimizerState;
  private final long optimizerSteps;
  private final List<TableRows> tables;

  ModelState(float[] dense, float[][] optimizerState, long optimizerSteps, List<TableRows> tables) {
    this.dense = dense;
    this.optimizerState = optimizerState;
    this.optimizerSteps = optimizerSteps;
    this.tables = List.copyOf(tables);
  }

  /** The model's dense values and optimizer state alone, without rows (the sharded path: rows travel apart). */
  public static ModelState denseOf(CtrModel model) {
    return new ModelState(model.params().values().clone(), optimizerCopy(model), model.denseOptimizer().steps(),
        List.of());
  }

  private static float[][] optimizerCopy(CtrModel model) {
    float[][] opt = model.denseOptimizer().state();
    float[][] copy = new float[opt.length][];
    for (int i = 0; i < opt.length; i++) {
      copy[i] = opt[i].clone();
    }
    return copy;
  }

  static ModelState capture(CtrModel model, boolean touchedOnly) {
    float[][] optCopy = optimizerCopy(model);
    List<TableRows> rows = new ArrayList<>();
    for (EmbeddingTable t : model.tables()) {
      int w = t.width();
      if (!touchedOnly) {
        rows.add(new TableRows(t.name(), t.rows(), w, null, t.values().clone(), t.accumulators().clone()));
        continue;
      }
      BitSet touched = t.touched();
      int[] ids = touched.stream().toArray();
      float[] v = new float[ids.length * w];
      float[] a = new float[ids.length * w];
      for (int i = 0; i < ids.length; i++) {
        System.arraycopy(t.values(), ids[i] * w, v, i * w, w);
        System.arraycopy(t.accumulators(), ids[i] * w, a, i * w, w);
      }
      rows.add(new TableRows(t.name(), t.rows(), w, ids, v, a));
    }
    return new ModelState(model.params().values().clone(), optCopy, model.denseOptimizer().steps(), rows);
  }

  void applyTo(CtrModel model) {
    checkDense(model);
    for (TableRows tr : tables) {
      requireFinite(tr.values(), "table '" + tr.name() + "' value");
    }
    copyDense(model);
    List<EmbeddingTable> modelTables = model.tables();
    check(tables.size() == modelTables.size(), "embedding tables", tables.size(), modelTables.size());
    for (int i = 0; i < tables.size(); i++) {
      TableRows tr = tables.get(i);
      EmbeddingTable t = modelTables.get(i);
      if (!tr.name().equals(t.name()) || tr.rows() != t.rows() || tr.width() != t.width()) {
        throw new IllegalArgumentException("state table " + i + " is '" + tr.name() + "' (" + tr.rows() + " x "
            + tr.width() + "), model table is '" + t.name() + "' (" + t.rows() + " x " + t.width() + ")");
      }
      int w = t.width();
      if (tr.rowIds() == null) {
        System.arraycopy(tr.values(), 0, t.values(), 0, tr.values().length);
        System.arraycopy(tr.accumulators(), 0, t.accumulators(), 0, tr.accumulators().length);
      } else {
        for (int k = 0; k < tr.rowIds().length; k++) {
          int id = tr.rowIds()[k];
          System.arraycopy(tr.values(), k * w, t.values(), id * w, w);
          System.arraycopy(tr.accumulators(), k * w, t.accumulators(), id * w, w);
        }
      }
    }
  }

  private static void requireFinite(float[] a, String what) {
    for (int i = 0; i < a.length; i++) {
      if (!Float.isFinite(a[i])) {
        throw new IllegalArgumentException("state " + what + " " + i + " = " + a[i] + " (expected a finite number)");
      }
    }
  }

  private static void check(boolean ok, String what, int found, int expected) {
    if (!ok) {
      throw new IllegalArgumentException("state has " + found + " " + what + " (expected " + expected + ")");
    }
  }

  /**
   * Averages copies of one model (see the class comment). {@code weights[k]} is the number of examples copy k
   * trained on and must be positive.
   */
  public static ModelState average(List<ModelState> copies, long[] weights) {
    if (copies.isEmpty() || copies.size() != weights.length) {
      throw new IllegalArgumentException("average of " + copies.size() + " states with " + weights.length
          + " weights (expected the same non-zero number)");
    }
    double total = 0;
    for (long w : weights) {
      if (w <= 0) {
        throw new IllegalArgumentException("averaging weight = " + w + " (expected > 0)");
      }
      total += w;
    }
    ModelState first = copies.get(0);
    float[] dense = weightedMean(copies.stream().map(c -> c.dense).toList(), weights, total);
    float[][] opt = new float[first.optimizerState.length][];
    for (int s = 0; s < opt.length; s++) {
      final int si = s;
      opt[s] = weightedMean(copies.stream().map(c -> c.optimizerState[si]).toList(), weights, total);
    }
    long steps = copies.stream().mapToLong(c -> c.optimizerSteps).max().getAsLong();
    List<TableRows> tables = new ArrayList<>();
    for (int t = 0; t < first.tables.size(); t++) {
      final int ti = t;
      tables.add(meanRows(copies.stream().map(c -> c.tables.get(ti)).toList()));
    }
    return new ModelState(dense, opt, steps, tables);
  }

  private static float[] weightedMean(List<float[]> arrays, long[] weights, double total) {
    int n = arrays.get(0).length;
    double[] sum = new double[n];
    for (int k = 0; k < arrays.size(); k++) {
      float[] a = arrays.get(k);
      if (a.length != n) {
        throw new IllegalArgumentException("state " + k + " has " + a.length + " dense values (expected " + n + ")");
      }
      double w = weights[k];
      for (int i = 0; i < n; i++) {
        sum[i] += w * a[i];
      }
    }
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (sum[i] / total);
    }
    return out;
  }

  /** Per row, the mean over the copies that hold it. */
  private static TableRows meanRows(List<TableRows> parts) {
    TableRows first = parts.get(0);
    int rows = first.rows();
    int w = first.width();
    double[] vSum = new double[0];
    double[] aSum = new double[0];
    int[] holders = new int[rows];
    boolean dense = parts.stream().anyMatch(p -> p.rowIds() == null);
    if (dense) {
      vSum = new double[rows * w];
      aSum = new double[rows * w];
    }
    // gather the union of held rows in ascending id order
    BitSet union = new BitSet(rows);
    for (TableRows p : parts) {
      if (p.rows() != rows || p.width() != w || !p.name().equals(first.name())) {
        throw new IllegalArgumentException("cannot average table '" + p.name() + "' (" + p.rows() + " x " + p.width()
            + ") with '" + first.name() + "' (" + rows + " x " + w + ")");
      }
      if (p.rowIds() == null) {
        union.set(0, rows);
      } else {
        for (int id : p.rowIds()) {
          union.set(id);
        }
      }
    }
    int[] ids = union.stream().toArray();
    int[] slot = new int[rows];
    Arrays.fill(slot, -1);
    for (int i = 0; i < ids.length; i++) {
      slot[ids[i]] = i;
    }
    if (!dense) {
      vSum = new double[ids.length * w];
      aSum = new double[ids.length * w];
    }
    for (TableRows p : parts) {
      for (int k = 0; k < p.count(); k++) {
        int id = p.rowIds() == null ? k : p.rowIds()[k];
        int s = slot[id];
        holders[id]++;
        for (int j = 0; j < w; j++) {
          vSum[s * w + j] += p.values()[k * w + j];
          aSum[s * w + j] += p.accumulators()[k * w + j];
        }
      }
    }
    float[] v = new float[ids.length * w];
    float[] a = new float[ids.length * w];
    for (int i = 0; i < ids.length; i++) {
      int h = holders[ids[i]];
      for (int j = 0; j < w; j++) {
        v[i * w + j] = (float) (vSum[i * w + j] / h);
        a[i * w + j] = (float) (aSum[i * w + j] / h);
      }
    }
    return new TableRows(first.name(), rows, w, ids.length == rows ? null : ids, v, a);
  }

  /**
   * Where this state first holds a value that is not a finite number, e.g. {@code NaN in dense tensor 'mlp.0.w'
   * (element 12)} or {@code Infinity in table 'C3' (row 17)}; null when every value is finite. {@code tensors}
   * names the parts of the dense block (and of its optimizer state, which shares the layout).
   */
  public String firstNonFinite(List<DenseParams.Tensor> tensors) {
    return firstNonFinite(tensors, dense, optimizerState, tables);
  }

  /** As {@link #firstNonFinite(List)}, over a live model's arrays (nothing is copied). */
  public static String firstNonFinite(CtrModel model) {
    List<TableRows> views = new ArrayList<>();
    for (EmbeddingTable t : model.tables()) {
      views.add(new TableRows(t.name(), t.rows(), t.width(), null, t.values(), t.accumulators()));
    }
    return firstNonFinite(model.params().tensors(), model.params().values(), model.denseOptimizer().state(), views);
  }

  private static String firstNonFinite(List<DenseParams.Tensor> tensors, float[] dense, float[][] optimizerState,
      List<TableRows> tables) {
    int i = firstNonFinite(dense);
    if (i >= 0) {
      return dense[i] + " in " + denseTensorAt(tensors, i);
    }
    for (float[] s : optimizerState) {
      i = firstNonFinite(s);
      if (i >= 0) {
        return s[i] + " in the optimizer state of " + denseTensorAt(tensors, i);
      }
    }
    for (TableRows t : tables) {
      for (float[] a : new float[][] {t.values(), t.accumulators()}) {
        i = firstNonFinite(a);
        if (i >= 0) {
          int k = i / t.width();
          return a[i] + " in " + (a == t.values() ? "" : "the accumulators of ") + "table '" + t.name() + "' (row "
              + (t.rowIds() == null ? k : t.rowIds()[k]) + ")";
        }
      }
    }
    return null;
  }

  private static int firstNonFinite(float[] a) {
    for (int i = 0; i < a.length; i++) {
      if (!Float.isFinite(a[i])) {
        return i;
      }
    }
    return -1;
  }

  private static String denseTensorAt(List<DenseParams.Tensor> tensors, int i) {
    for (DenseParams.Tensor t : tensors) {
      if (i >= t.offset() && i < t.offset() + t.size()) {
        return "dense tensor '" + t.name() + "' (element " + (i - t.offset()) + ")";
      }
    }
    return "the dense block (element " + i + ")";
  }

  /** Sets the model's dense values and optimizer state from this state; its rows stay as they are. */
  public void applyDenseTo(CtrModel model) {
    checkDense(model);
    copyDense(model);
  }

  private void checkDense(CtrModel model) {
    check(dense.length == model.params().values().length, "dense parameters", dense.length,
        model.params().values().length);
    requireFinite(dense, "dense value");
  }

  private void copyDense(CtrModel model) {
    System.arraycopy(dense, 0, model.params().values(), 0, dense.length);
    model.denseOptimizer().setState(optimizerState, optimizerSteps);
  }

  /**
   * This state's dense part alone (values, optimizer state and steps), without rows: what the driver averages when
   * the rows travel apart from it (sharded tables, {@link RowRecords}).
   */
  public ModelState withoutRows() {
    return new ModelState(dense, optimizerState, optimizerSteps, List.of());
  }

  public float[] dense() {
    return dense.clone();
  }

  public long optimizerSteps() {
    return optimizerSteps;
  }

  public List<TableRows> tables() {
    return tables;
  }

  /** Number of rows this state holds, over all tables. */
  public long heldRows() {
    return tables.stream().mapToLong(TableRows::count).sum();
  }

  public void write(DataOutputStream out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(FORMAT_VERSION);
    writeFloats(out, dense);
    out.writeInt(optimizerState.length);
    for (float[] s : optimizerState) {
      writeFloats(out, s);
    }
    out.writeLong(optimizerSteps);
    out.writeInt(tables.size());
    for (TableRows t : tables) {
      out.writeUTF(t.name());
      out.writeInt(t.rows());
      out.writeInt(t.width());
      if (t.rowIds() == null) {
        out.writeInt(-1);
      } else {
        out.writeInt(t.rowIds().length);
        for (int id : t.rowIds()) {
          out.writeInt(id);
        }
      }
      writeFloats(out, t.values());
      writeFloats(out, t.accumulators());
    }
  }

  public static ModelState read(DataInputStream in) throws IOException {
    readHeader(in);
    float[] dense = readFloats(in);
    float[][] opt = new float[in.readInt()][];
    for (int i = 0; i < opt.length; i++) {
      opt[i] = readFloats(in);
    }
    long steps = in.readLong();
    int n = in.readInt();
    List<TableRows> tables = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      String name = in.readUTF();
      int rows = in.readInt();
      int width = in.readInt();
      int k = in.readInt();
      int[] ids = null;
      if (k >= 0) {
        ids = new int[k];
        for (int i = 0; i < k; i++) {
          ids[i] = in.readInt();
        }
      }
      float[] values = readFloats(in);
      float[] acc = readFloats(in);
      int held = ids == null ? rows : k;
      if (values.length != (long) held * width || acc.length != values.length) {
        throw new IOException("table '" + name + "': " + values.length + " values (expected " + held * (long) width
            + ")");
      }
      tables.add(new TableRows(name, rows, width, ids, values, acc));
    }
    return new ModelState(dense, opt, steps, tables);
  }

  /** Reads and checks the magic number and version that open every state (also {@link StateStreams}'). */
  static void readHeader(DataInputStream in) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(String.format("not a model state: magic 0x%08X (expected 0x%08X)", magic, MAGIC));
    }
    int version = in.readInt();
    if (version != FORMAT_VERSION) {
      throw new IOException("model state format version " + version + " (expected " + FORMAT_VERSION + ")");
    }
  }

  private static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    byte[] buf = new byte[a.length * 4];
    java.nio.ByteBuffer.wrap(buf).asFloatBuffer().put(a);
    out.write(buf);
  }

  private static float[] readFloats(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative array length " + n);
    }
    byte[] buf = new byte[n * 4];
    in.readFully(buf);
    float[] a = new float[n];
    java.nio.ByteBuffer.wrap(buf).asFloatBuffer().get(a);
    return a;
  }
}

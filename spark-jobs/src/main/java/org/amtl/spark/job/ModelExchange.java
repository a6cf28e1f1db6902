package org.amtl.spark.job;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.ModelState;
import org.amtl.core.model.StateStreams;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Moves the model between the driver and the training tasks through a folder on the output's storage, not
 * through broadcasts and task results: a broadcast keeps its serialized pieces and its value in every executor
 * beside the task's own training copy, and a result travels as a copy, then as bytes. Here the driver writes the
 * averaged state once per round ({@code model-<rounds done>.bin}); a task streams it straight into its training
 * copy and streams the rows it changed into {@code round-<r>/part-<partition>-<attempt>.bin}; the driver reads
 * those back in partition order. Evaluations write their summaries there too ({@link #writePart}). A worker so
 * holds its training copy and a 64 KiB buffer where it held the copy, the broadcast twice and serialized results.
 *
 * <p>The folder must be reachable from the driver and every executor under the same name (HDFS, S3, or a local
 * folder when they share one machine). It is emptied when a run starts and deleted when training ends.
 */
public final class ModelExchange implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int BUFFER = 1 << 16;

  /** A state the driver wrote for tasks to load: where it is and how to read it. */
  public record Published(ModelExchange exchange, String path, int roundsDone) implements Serializable {
    /** Loads the state into a training copy (all of it: dense values, optimizer state, every row). */
    void loadInto(CtrModel model) throws IOException {
      exchange.readInto(path, model);
    }

    /** Loads a dense-only state ({@link #publishDense}) into a model over a slice of the rows. */
    void loadDenseInto(CtrModel model) throws IOException {
      exchange.readPart(path, ModelState::read).applyDenseTo(model);
    }

    /** Names this state uniquely, also across runs that reuse a folder. */
    String key() {
      return exchange.id + " " + path;
    }
  }

  private final String id = java.util.UUID.randomUUID().toString();
  private final String dir;
  private final SerializableConfiguration conf;

  /** An empty exchange folder at {@code dir} (whatever a killed run left there is removed). */
  ModelExchange(Path dir, Configuration conf) throws IOException {
    this.dir = dir.toString();
    this.conf = new SerializableConfiguration(conf);
    dir.getFileSystem(conf).delete(dir, true);
  }

  /** Driver: writes the model's full state after {@code roundsDone} rounds, and removes the one before. */
  Published publish(CtrModel model, int roundsDone) throws IOException {
    Path file = new Path(dir, "model-" + roundsDone + ".bin");
    write(file, (m, out) -> new StateStreams().write(m, false, out), model);
    fs().delete(new Path(dir, "model-" + (roundsDone - 1) + ".bin"), false);
    return new Published(this, file.toString(), roundsDone);
  }

  /**
   * Driver, sharded tables: writes the dense state alone after {@code roundsDone} rounds (the rows live in the
   * shards). The ones before stay until {@link #dropDenseBefore}: a shard lost since the rows were last saved is
   * computed again from the rounds since, and their tasks read them.
   */
  Published publishDense(ModelState dense, int roundsDone) throws IOException {
    Path file = new Path(dir, "dense-" + roundsDone + ".bin");
    write(file, (st, out) -> st.write(out), dense);
    return new Published(this, file.toString(), roundsDone);
  }

  /** Driver, sharded tables: removes the dense states before round {@code roundsDone}, once the rows are saved. */
  void dropDenseBefore(int roundsDone) throws IOException {
    for (org.apache.hadoop.fs.FileStatus f : fs().listStatus(new Path(dir), p -> p.getName().matches("dense-\\d+\\.bin"))) {
      if (Integer.parseInt(f.getPath().getName().replaceAll("\\D", "")) < roundsDone) {
        fs().delete(f.getPath(), false);
      }
    }
  }

  /** Task, sharded tables: writes a dense state (a slice model's, without rows); returns the file's path. */
  String writeDense(ModelState dense, int round, int partition, long attempt) throws IOException {
    return writePart(roundFolder(round), partition, attempt, (st, out) -> st.write(out), dense);
  }

  /** Task: writes the dense state and the rows changed since the last clear; returns the file's path. */
  String writeTouched(CtrModel model, int round, int partition, long attempt) throws IOException {
    return writePart(roundFolder(round), partition, attempt, (m, out) -> new StateStreams().write(m, true, out),
        model);
  }

  /** Driver: a task's result file as a detached state, for averaging. */
  ModelState readResult(String path) throws IOException {
    return readPart(path, ModelState::read);
  }

  /** Driver: removes a round's result files once they are averaged. */
  void endRound(int round) throws IOException {
    remove(roundFolder(round));
  }

  /**
   * Task: writes a partition's result (changed rows, an evaluation's summaries) under {@code folder}, so it
   * reaches the driver without a serialized copy in the executor's memory; returns the file's path.
   */
  <T> String writePart(String folder, int partition, long attempt, CodecSerializer.Writer<T> writer, T value)
      throws IOException {
    Path file = new Path(new Path(dir, folder), "part-" + partition + "-" + attempt + ".bin");
    write(file, writer, value);
    return file.toString();
  }

  /** Driver: reads a file written by {@link #writePart}. */
  <T> T readPart(String path, CodecSerializer.Reader<T> reader) throws IOException {
    try (DataInputStream in = open(new Path(path))) {
      return reader.read(in);
    } catch (IOException e) {
      throw new IOException("task result " + path + ": " + e.getMessage(), e);
    }
  }

  /** Driver: removes a folder of {@link #writePart} files once they are read. */
  void remove(String folder) throws IOException {
    fs().delete(new Path(dir, folder), true);
  }

  /** Driver: removes the folder. */
  void clear() throws IOException {
    fs().delete(new Path(dir), true);
  }

  private void readInto(String path, CtrModel model) throws IOException {
    try (DataInputStream in = open(new Path(path))) {
      new StateStreams().readInto(in, model);
    } catch (FileNotFoundException e) {
      throw new IOException("model state " + path + " not found here: the exchange folder " + dir + " must be on "
          + "storage that the driver and every executor reach (HDFS, S3; a local folder only on one machine), "
          + "so place output.path there", e);
    } catch (IOException e) {
      throw new IOException("model state " + path + ": " + e.getMessage(), e);
    }
  }

  private <T> void write(Path file, CodecSerializer.Writer<T> writer, T value) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fs().create(file, true), BUFFER))) {
      writer.write(value, out);
    }
  }

  private DataInputStream open(Path file) throws IOException {
    return new DataInputStream(new BufferedInputStream(fs().open(file), BUFFER));
  }

  private static String roundFolder(int round) {
    return "round-" + round;
  }

  private FileSystem fs() throws IOException {
    return new Path(dir).getFileSystem(conf.value());
  }
}

package org.amtl.spark.job;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * Sharded rows saved to files and read back: each shard writes its rows ({@link ShardRow} records, in key order)
 * to a file of its own under a folder, and the rows read back from those files form a dataset of one block per shard
 * with no lineage beyond the files, so that a lost shard is read again rather than trained again from the
 * first round. What checkpoints of sharded rows are made of.
 */
final class ShardFiles {
  private static final int BUFFER = 1 << 16;

  private ShardFiles() {}

  /** Writes every shard of {@code rows} under {@code folder}; returns the files' paths in shard order. */
  static List<String> save(JavaRDD<RowBlock> rows, Path folder, Configuration conf) {
    SerializableConfiguration shipped = new SerializableConfiguration(conf);
    String dir = folder.toString();
    List<Tuple2<Integer, String>> files = new ArrayList<>(rows.mapPartitionsWithIndex((shard, it) -> {
      RowBlock block = it.next(); // one block per shard
      // one file per attempt: a retried or speculative attempt never writes into another's file
      Path file = new Path(dir, "shard-" + shard + "-" + TaskContext.get().taskAttemptId() + ".bin");
      FileSystem fs = file.getFileSystem(shipped.value());
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fs.create(file, true), BUFFER))) {
        out.writeInt(block.size());
        for (Iterator<ShardRow> r = block.rows(); r.hasNext(); ) {
          ShardRow.write(r.next(), out);
        }
      }
      FaultPoint.failFirstAttempt(FaultPoint.SAVE_TASK);
      return List.of(new Tuple2<>(shard, file.toString())).iterator();
    }, true).collect());
    files.sort((a, b) -> Integer.compare(a._1(), b._1()));
    return files.stream().map(Tuple2::_2).toList();
  }

  /** The rows of {@code files} (one per shard, in shard order): partition s holds shard s's block. */
  static JavaRDD<RowBlock> load(JavaSparkContext sc, List<String> files, Configuration conf) {
    SerializableConfiguration shipped = new SerializableConfiguration(conf);
    // as many slices as files: slice s holds file s alone
    return sc.parallelize(files, Math.max(1, files.size())).map(name -> {
      Path file = new Path(name);
      List<ShardRow> rows = new ArrayList<>();
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(
          file.getFileSystem(shipped.value()).open(file), BUFFER))) {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          rows.add(ShardRow.read(in));
        }
      } catch (EOFException e) {
        throw new IOException(file + ": cut short (" + e.getMessage() + ")", e);
      }
      return RowBlock.of(rows);
    });
  }
}

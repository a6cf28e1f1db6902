package org.amtl.spark.job;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * Sharded rows saved to files and read back: each shard writes its rows ({@link ShardRow} records, in key order)
 * to a file of its own under a folder, and the rows read back from those files form a dataset with the shards'
 * partitioner and no lineage beyond the files, so that a lost shard is read again rather than trained again from the
 * first round. What checkpoints of sharded rows are made of.
 */
final class ShardFiles {
  private static final int BUFFER = 1 << 16;

  private ShardFiles() {}

  /** Writes every shard of {@code rows} under {@code folder}; returns the files' paths in shard order. */
  static List<String> save(JavaPairRDD<Long, ShardRow> rows, Path folder, Configuration conf) {
    SerializableConfiguration shipped = new SerializableConfiguration(conf);
    String dir = folder.toString();
    List<Tuple2<Integer, String>> files = new ArrayList<>(rows.mapPartitionsWithIndex((shard, it) -> {
      List<ShardRow> held = new ArrayList<>();
      it.forEachRemaining(t -> held.add(t._2()));
      held.sort((a, b) -> Long.compare(a.key(), b.key()));
      // one file per attempt: a retried or speculative attempt never writes into another's file
      Path file = new Path(dir, "shard-" + shard + "-" + TaskContext.get().taskAttemptId() + ".bin");
      FileSystem fs = file.getFileSystem(shipped.value());
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fs.create(file, true), BUFFER))) {
        out.writeInt(held.size());
        for (ShardRow r : held) {
          ShardRow.write(r, out);
        }
      }
      FaultPoint.failFirstAttempt(FaultPoint.SAVE_TASK);
      return List.of(new Tuple2<>(shard, file.toString())).iterator();
    }, true).collect());
    files.sort((a, b) -> Integer.compare(a._1(), b._1()));
    return files.stream().map(Tuple2::_2).toList();
  }

  /** The rows of {@code files} (one per shard, in shard order), partitioned by {@code partitioner}. */
  static JavaPairRDD<Long, ShardRow> load(JavaSparkContext sc, List<String> files,
      RowShards.ShardPartitioner partitioner, Configuration conf) {
    if (files.size() != partitioner.numPartitions()) {
      throw new IllegalStateException(files.size() + " shard files for " + partitioner.numPartitions() + " shards");
    }
    List<Tuple2<Long, String>> byShard = new ArrayList<>();
    for (int s = 0; s < files.size(); s++) {
      byShard.add(new Tuple2<>(partitioner.firstKey(s), files.get(s))); // a key the partitioner puts in shard s
    }
    SerializableConfiguration shipped = new SerializableConfiguration(conf);
    return sc.parallelizePairs(byShard, files.size()).partitionBy(partitioner).mapPartitionsToPair(it -> {
      List<Tuple2<Long, ShardRow>> rows = new ArrayList<>();
      while (it.hasNext()) {
        Path file = new Path(it.next()._2());
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
            file.getFileSystem(shipped.value()).open(file), BUFFER))) {
          int n = in.readInt();
          for (int i = 0; i < n; i++) {
            ShardRow r = ShardRow.read(in);
            rows.add(new Tuple2<>(r.key(), r));
          }
        } catch (EOFException e) {
          throw new IOException(file + ": cut short (" + e.getMessage() + ")", e);
        }
      }
      return rows.iterator();
    }, true);
  }
}

package org.amtl.spark.job;

import java.util.List;
import java.util.Locale;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldStats;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.RowRecords;
import org.apache.spark.SparkContext;

/**
 * Where the embedding rows live while training ({@code train.tables}), decided once the fields' sizes are counted
 * and before anything is trained or written. A training copy of the whole model (every row with its Adagrad
 * accumulators, and the dense part with Adam's state) must fit a task's share of an executor's memory, and no table
 * can reach 2^31 floats (one Java array); {@code auto} shards when either fails, and a forced {@code broadcast}
 * that cannot fit stops with an error naming the key, the size and the limit.
 */
public record TablePlacement(boolean sharded, int shards, long copyBytes, long taskMemoryBytes, String reason) {
  /** Decides for a model with fields {@code names} of sizes {@code stats} under {@code config}. */
  public static TablePlacement decide(AmtlConfig config, List<String> names, List<FieldStats> stats,
      SparkContext sc) {
    Keys.TableMode mode = config.get(Keys.TABLES);
    org.amtl.core.model.EmbeddingVariant variant = config.get(Keys.EMBEDDING);
    if (!variant.trainsOnSlices()) {
      if (mode == Keys.TableMode.SHARDED) {
        throw new IllegalArgumentException(Keys.TABLES.name() + "=sharded does not train " + Keys.EMBEDDING.name()
            + "=" + variant.key() + " (its rows share blocks or candidates across a field); expected "
            + Keys.TABLES.name() + "=broadcast or auto, or " + Keys.EMBEDDING.name() + " one of "
            + java.util.Arrays.stream(org.amtl.core.model.EmbeddingVariant.values())
                .filter(org.amtl.core.model.EmbeddingVariant::trainsOnSlices)
                .map(org.amtl.core.model.EmbeddingVariant::key).toList());
      }
      return new TablePlacement(false, 0, -1, taskMemory(sc), Keys.EMBEDDING.name() + "=" + variant.key()
          + " trains with whole tables only");
    }
    RowShards.SliceSpec spec = new RowShards.SliceSpec(names, stats, ExecutorModels.ship(config));
    CtrModel dense = ShardedRounds.denseModel(spec);
    long copy = dense.parameterAndOptimizerBytes() - rowBytes(dense, 1, names.size());
    String largest = null;
    long largestFloats = 0;
    long rowFloats = 0;
    for (int f = 0; f < names.size(); f++) {
      long rows = stats.get(f).rows();
      for (int width : RowRecords.widths(dense, f)) {
        if (rows * width > largestFloats) {
          largestFloats = rows * width;
          largest = names.get(f);
        }
        rowFloats += rows * width;
      }
    }
    copy += 2 * Float.BYTES * rowFloats; // values and accumulators
    long task = taskMemory(sc);
    long allowed = (long) (config.get(Keys.TASK_MEMORY_SHARE) * task);
    boolean tooLong = largestFloats >= Integer.MAX_VALUE;
    boolean tooLarge = copy > allowed;
    String sizes = String.format(Locale.ROOT, "one training copy of the model is %,d bytes; %s of a task's %,d bytes "
        + "of executor memory is %,d (%s)", copy, config.get(Keys.TASK_MEMORY_SHARE), task, allowed,
        Keys.TASK_MEMORY_SHARE.name());
    if (tooLong) {
      sizes += String.format(Locale.ROOT, "; field '%s' holds a table of %,d floats, beyond the 2^31 - 1 of one "
          + "Java array", largest, largestFloats);
    }
    if (mode == Keys.TableMode.BROADCAST && (tooLong || tooLarge)) {
      throw new IllegalArgumentException(Keys.TABLES.name() + "=broadcast cannot hold this model: " + sizes
          + ". Set " + Keys.TABLES.name() + "=sharded (or auto), or give executors more memory per task");
    }
    boolean sharded = mode == Keys.TableMode.SHARDED || (mode == Keys.TableMode.AUTO && (tooLong || tooLarge));
    // a shard's task holds its rows twice while it builds them (records, and a model over them): each copy takes at
    // most half the share a training copy may take
    long perShard = Math.max(1, allowed / 2);
    long rowBytes = 2L * Float.BYTES * rowFloats;
    int shards = config.getInt(Keys.SHARDS) > 0 ? config.getInt(Keys.SHARDS)
        : (int) Math.min(Integer.MAX_VALUE, Math.max(config.getInt(Keys.PARTITIONS),
            (rowBytes + perShard - 1) / perShard));
    long totalRows = stats.stream().mapToLong(FieldStats::rows).sum();
    shards = (int) Math.min(shards, totalRows); // every shard holds a row
    String reason = (mode == Keys.TableMode.AUTO ? "auto: " : "") + sizes;
    return new TablePlacement(sharded, sharded ? shards : 0, copy, task, reason);
  }

  /** Bytes of the rows {@code [0, rows)} of every field in a model, with their accumulators. */
  private static long rowBytes(CtrModel model, int rows, int fields) {
    long floats = 0;
    for (int f = 0; f < fields; f++) {
      for (int width : RowRecords.widths(model, f)) {
        floats += (long) rows * width;
      }
    }
    return 2 * Float.BYTES * floats;
  }

  /**
   * An executor's memory per task: spark.executor.memory over the task slots of an executor
   * (spark.executor.cores / spark.task.cpus); in local mode the driver's heap over its task slots.
   */
  static long taskMemory(SparkContext sc) {
    int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
    if (sc.isLocal()) {
      return Runtime.getRuntime().maxMemory() / Math.max(1, sc.defaultParallelism() / taskCpus);
    }
    long executor = sc.getConf().getSizeAsBytes("spark.executor.memory", "1g");
    int cores = sc.getConf().getInt("spark.executor.cores", 1);
    return executor / Math.max(1, cores / taskCpus);
  }

  /** What the job logs: the mode and why. */
  public String describe() {
    return sharded ? "embedding rows sharded in " + shards + " shards (" + reason + ")"
        : "embedding rows broadcast to every task (" + reason + ")";
  }
}

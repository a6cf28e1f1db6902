package org.amtl.spark.job;

import java.io.IOException;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.table.ManifestBuilder;
import org.amtl.core.train.RoundStats;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * The job's training and publishing when the rows are sharded ({@link TablePlacement}): the rows start in shards
 * ({@link RowShards#init}), train through {@link ShardedRounds} with the test split evaluated through the shards,
 * and are published shard by shard ({@link ShardedExport}). The driver never holds a row beyond each field's OOV
 * row.
 */
public final class ShardedTraining {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShardedTraining.class);

  /** What a sharded run gives: the rounds' figures, the last evaluation and the published run. */
  public record Result(List<RoundStats> rounds, EvalStage.Result evaluation, ExportStage.Published published) {}

  private ShardedTraining() {}

  /**
   * Trains on {@code data} (prepared with sharded rows), starting from {@code hotStart} (opened and verified; null
   * for none), and publishes the run through {@code folders}.
   */
  public static Result trainAndPublish(org.apache.spark.sql.SparkSession spark, PreparedData data,
      AmtlConfig config, org.amtl.core.table.TableReader hotStart, RunFolders folders, ManifestBuilder.RunFacts facts,
      Path exchangeDir, StageTimer timer) throws IOException {
    Checkpoints checkpoints = config.getInt(Keys.CHECKPOINT_INTERVAL) == 0 ? null
        : new Checkpoints(new Path(config.get(Keys.OUTPUT_PATH)), facts.runId(), Checkpoints.fingerprint(config,
            data.input(), data.trainCounts(), data.ids().fields(), data.placement().shards()),
            data.train().context().hadoopConfiguration());
    VocabularyIds.Assigned ids = data.ids();
    RowShards.SliceSpec spec = new RowShards.SliceSpec(data.fieldNames(), ids.fields(), ExecutorModels.ship(config));
    int shards = data.placement().shards();
    RowShards.ShardPartitioner partitioner = new RowShards.ShardPartitioner(ids.fields(), shards);
    org.apache.hadoop.conf.Configuration conf = data.train().context().hadoopConfiguration();
    ModelExchange exchange = new ModelExchange(exchangeDir, conf);
    int buckets = config.getInt(Keys.FREQUENCY_BUCKETS);
    boolean everyRound = config.getBoolean(Keys.EVAL_PER_ROUND);
    JavaPairRDD<Long, Integer> testNeeds = null;
    ShardedRounds.Trained trained = null;
    try {
      org.apache.spark.api.java.JavaRDD<RowBlock> rows = RowShards.init(ids.ids(), spec, shards)
          .persist(StorageLevel.MEMORY_AND_DISK());
      org.amtl.core.model.CtrModel dense = ShardedRounds.denseModel(spec);
      if (hotStart != null) {
        ShardedHotStart.Started started = ShardedHotStart.apply(spark, rows, partitioner, ids.ids(), spec, dense, config,
            new Path(facts.hotStart().path()), hotStart);
        rows.unpersist();
        rows = started.rows();
        LOG.info("hot start from {}: {}", org.amtl.core.config.Redaction.redactUris(facts.hotStart().path()),
            started.result());
      }
      JavaPairRDD<Long, Integer> needs = RowShards.needs(data.test(), partitioner, 0, 1)
          .persist(StorageLevel.MEMORY_AND_DISK());
      testNeeds = needs;
      trained = ShardedRounds.train(data.train(), data.trainRows(), rows, dense, spec, partitioner, config, exchange,
          checkpoints, (state, current, round, last) -> last || everyRound
              ? RowShards.evaluate(data.test(), current, needs, spec, state, buckets) : null, timer);
      timer.done("train: wrap up");
      data.train().context().setJobDescription("AMTL publish (sharded tables)");
      int rounds = trained.rounds().size();
      ExportStage.Published published = ExportStage.publish(folders, ShardedExport.of(RowBlock.flatten(trained.rows()), ids.ids(), spec,
          trained.dense(), exchange, rounds, config.getInt(Keys.ROWS_PER_PART), buckets, conf), config,
          trained.rounds(), trained.lastEvaluation(), facts, conf);
      if (checkpoints != null) {
        checkpoints.clear();
      }
      return new Result(trained.rounds(), trained.lastEvaluation(), published);
    } finally {
      if (testNeeds != null) {
        testNeeds.unpersist();
      }
      if (trained != null) {
        trained.rows().unpersist();
      }
      exchange.clear();
    }
  }
}

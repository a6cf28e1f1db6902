/**
 * The training job's stages and what they share: {@link org.amtl.spark.job.PreparedData} (read, split, count,
 * encode), {@link org.amtl.spark.job.TrainStage} (data-parallel rounds with parameter averaging, through
 * {@link org.amtl.spark.job.ModelExchange} and {@link org.amtl.spark.job.ExecutorModels}),
 * {@link org.amtl.spark.job.EvalStage}, {@link org.amtl.spark.job.ExportStage} (atomic publishing through
 * {@link org.amtl.spark.job.RunFolders}, the report through {@link org.amtl.spark.job.Report}),
 * {@link org.amtl.spark.job.Checkpoints}, and the session the job runs on ({@link org.amtl.spark.job.JobSession},
 * Kryo through {@link org.amtl.spark.job.AmtlKryoRegistrator}). Where the rows live is decided once the fields are
 * counted ({@link org.amtl.spark.job.TablePlacement}, {@code train.tables}). For tables larger than one JVM
 * ({@link org.amtl.spark.job.ShardedTraining}): ids assigned on the executors
 * ({@link org.amtl.spark.job.VocabularyIds}), encoding by a join ({@link org.amtl.spark.job.EncodeStage#encodeByJoin}),
 * rows in shards, one block each ({@code RowBlock}), that each round's slices pull from and push back to
 * ({@code RowShards}), the rounds over them
 * ({@code ShardedRounds}, averaging through {@code RoundResults} as the broadcast rounds do), hot start
 * ({@code ShardedHotStart}), checkpoints of the shards' rows ({@code ShardFiles}) and the table written part by part
 * ({@code ShardedExport}). Public members are what
 * {@link org.amtl.spark.TrainJob}, the experiment job and the benchmarks call; the rest stays package-private.
 */
package org.amtl.spark.job;

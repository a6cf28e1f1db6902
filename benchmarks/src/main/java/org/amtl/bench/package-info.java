/**
 * Benchmarks, outside the test run: JMH kernels of the layers ({@link org.amtl.bench.KernelBenchmarks}), the
 * machine's limits ({@link org.amtl.bench.PeakBenchmarks}: float FMA peak, SGEMM), end-to-end training throughput
 * ({@link org.amtl.bench.TrainingThroughput}) and its libtorch peer ({@link org.amtl.bench.LibtorchPeer}). The
 * Spark-side benchmarks (the frequency stage against bare counts, the MLlib FMClassifier peer, the job's stage
 * split and heap, 1M-16M row scaling) use the job's public API: {@link org.amtl.spark.TrainJob#run}, the session
 * ({@link org.amtl.spark.job.JobSession}), the input ({@link org.amtl.spark.io.InputStage},
 * {@link org.amtl.spark.io.SyntheticInput}) and the stages of {@code org.amtl.spark.job}. {@code bash benchmarks/run} runs them all and prints the ratios docs/performance.md
 * reports.
 */
package org.amtl.bench;

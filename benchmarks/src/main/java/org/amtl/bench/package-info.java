/**
 * Benchmarks, outside the test run: JMH kernels of the layers ({@link org.amtl.bench.KernelBenchmarks}), the
 * machine's limits ({@link org.amtl.bench.PeakBenchmarks}: float FMA peak, SGEMM), end-to-end training throughput
 * ({@link org.amtl.bench.TrainingThroughput}) and its libtorch peer ({@link org.amtl.bench.LibtorchPeer}). The
 * Spark-side benchmarks (the frequency stage against bare counts, the MLlib FMClassifier peer, the job's stage
 * split and heap, 1M-16M row scaling) live in {@code org.amtl.spark} of this module, beside the job's
 * package-private stages. {@code bash benchmarks/run} runs them all and prints the ratios docs/performance.md
 * reports.
 */
package org.amtl.bench;

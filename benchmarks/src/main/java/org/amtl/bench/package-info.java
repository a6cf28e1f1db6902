/**
 * Benchmarks, outside the test run: JMH kernels of the layers ({@link org.amtl.bench.KernelBenchmarks}), the
 * machine's limits ({@link org.amtl.bench.PeakBenchmarks}: float FMA peak, SGEMM) and end-to-end training
 * throughput ({@link org.amtl.bench.TrainingThroughput}). {@code bash benchmarks/run} runs them all and prints the
 * ratios docs/performance.md reports.
 */
package org.amtl.bench;

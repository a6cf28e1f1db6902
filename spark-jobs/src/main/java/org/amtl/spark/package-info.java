/**
 * The nightly AMTL training job on Spark, and its public API: {@link org.amtl.spark.TrainJob} (the
 * {@code spark-submit} class, and {@link org.amtl.spark.TrainJob#run} for code that runs the job on its own
 * session, as the benchmarks do). The rest of the module is split by role:
 * <ul>
 *   <li>{@link org.amtl.spark.job}: the job's stages (split, count, encode, train rounds, evaluate, publish), the
 *       model exchange between driver and tasks, checkpoints, run folders, the session and Kryo settings;</li>
 *   <li>{@link org.amtl.spark.io}: reading and checking the input, the generated log, the importers of public
 *       datasets;</li>
 *   <li>{@link org.amtl.spark.experiment}: the method comparison behind docs/results.md;</li>
 *   <li>{@link org.amtl.spark.cli}: the command-line contract every job shares, and the table CLI.</li>
 * </ul>
 * Each stage is a small class with static methods; executor code lives in small static classes with final
 * fields, so closures never capture the driver.
 */
package org.amtl.spark;

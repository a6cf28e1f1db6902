/**
 * The nightly AMTL training job on Spark ({@link org.amtl.spark.TrainJob}), the importers of public datasets
 * ({@link org.amtl.spark.ImportJob}), the method comparison behind docs/results.md
 * ({@link org.amtl.spark.ExperimentJob}, {@link org.amtl.spark.ResultsDoc}) and the table CLI
 * ({@link org.amtl.spark.TableCli}). Each stage is a small class with static methods; executor code lives in
 * small static classes with final fields, so closures never capture the driver.
 */
package org.amtl.spark;

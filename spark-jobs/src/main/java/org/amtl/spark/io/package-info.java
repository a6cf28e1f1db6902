/**
 * The job's input: Parquet click logs read and checked against the configured columns
 * ({@link org.amtl.spark.io.InputStage}, {@link org.amtl.spark.io.InputFiles}), the generated log of the quick
 * start ({@link org.amtl.spark.io.SyntheticInput}), and the importers that turn MovieLens and the Criteo TSV into
 * such logs ({@link org.amtl.spark.io.ImportJob}, {@link org.amtl.spark.io.TextLines}).
 */
package org.amtl.spark.io;

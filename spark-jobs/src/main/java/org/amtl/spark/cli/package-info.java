/**
 * The command line: {@link org.amtl.spark.cli.JobMain}, the contract every job's {@code main} shares (arguments,
 * exit codes, one redacted {@code error:} line), and {@link org.amtl.spark.cli.TableCli}
 * ({@code submit/amtl-table}: inspect and validate published tables).
 */
package org.amtl.spark.cli;

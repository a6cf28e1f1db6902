/**
 * The method comparison behind docs/results.md: {@link org.amtl.spark.experiment.ExperimentJob} prepares a click
 * log once and trains every arm ({@link org.amtl.spark.experiment.ExperimentArm}) on it, with the hot-start
 * experiment ({@link org.amtl.spark.experiment.HotStartExperiment}); {@link
 * org.amtl.spark.experiment.ExperimentReport} writes each dataset's section and charts, with the fixed-size
 * frontier that FBE at several d draws and every other arm placed against it ({@link
 * org.amtl.spark.experiment.Frontier}, {@link org.amtl.spark.experiment.FrontierChart}), and
 * {@link org.amtl.spark.experiment.ResultsDoc} assembles the page. Not used by the nightly job.
 */
package org.amtl.spark.experiment;

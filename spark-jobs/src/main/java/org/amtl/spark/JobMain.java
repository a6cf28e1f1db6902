package org.amtl.spark;

import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Redaction;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command-line contract every job shares: arguments {@code --config FILE --conf key=value...}; exit code 0 on
 * success, 2 on bad input or configuration (one {@code error:} line naming what is wrong), 1 on any other failure
 * (a diverged training among them: one {@code error:} line); Spark is stopped either way, so a failed run never
 * lingers. Everything printed passes {@link Redaction}: a path's credentials never reach the terminal.
 */
final class JobMain {
  private static final Logger LOG = LoggerFactory.getLogger(JobMain.class);

  /** A job: runs on a session and returns the lines to print on success. */
  interface Job {
    String run(SparkSession spark, AmtlConfig config) throws Exception;
  }

  private JobMain() {}

  static void main(String appName, String[] args, Job job) {
    int code;
    SparkSession spark = null;
    try {
      AmtlConfig config = TrainJob.parseArgs(args);
      spark = TrainJob.session(appName);
      System.out.print(Redaction.redactUris(job.run(spark, config)));
      code = 0;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + Redaction.redactUris(String.valueOf(e.getMessage())));
      code = 2;
    } catch (TrainingDiverged e) {
      System.err.println("error: " + e.getMessage());
      code = 1;
    } catch (Exception | Error e) {
      // the trace as text, so the credentials that paths in its messages may carry are hidden too
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(trace));
      LOG.error("{} failed; nothing was published: {}", appName, Redaction.redactUris(trace.toString()));
      System.err.println("error: " + Redaction.redactUris(String.valueOf(e)));
      code = 1;
    }
    if (spark != null) {
      spark.stop();
    }
    System.exit(code);
  }
}

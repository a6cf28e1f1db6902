package org.amtl.spark.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Redaction;
import org.amtl.spark.job.JobSession;
import org.amtl.spark.job.TrainingDiverged;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command-line contract every job shares: arguments {@code --config FILE --conf key=value...}; exit code 0 on
 * success, 2 on bad input or configuration (one {@code error:} line naming what is wrong), 1 on any other failure
 * (a diverged training among them: one {@code error:} line); Spark is stopped either way, so a failed run never
 * lingers. Everything printed passes {@link Redaction}: a path's credentials never reach the terminal.
 */
public final class JobMain {
  private static final Logger LOG = LoggerFactory.getLogger(JobMain.class);

  /** A job: runs on a session and returns the lines to print on success. */
  public interface Job {
    String run(SparkSession spark, AmtlConfig config) throws Exception;
  }

  private JobMain() {}

  public static void main(String appName, String[] args, Job job) {
    int code;
    SparkSession spark = null;
    try {
      AmtlConfig config = parseArgs(args);
      spark = JobSession.session(appName);
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

  /** {@code --config file} then {@code --conf key=value} overrides, in order; the result is validated. */
  public static AmtlConfig parseArgs(String[] args) throws IOException {
    AmtlConfig config = AmtlConfig.defaults();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if ((a.equals("--config") || a.equals("--conf")) && i + 1 >= args.length) {
        throw new IllegalArgumentException("argument " + a + " needs a value");
      }
      if (a.equals("--config")) {
        config = AmtlConfig.load(Path.of(args[++i])).withAll(explicitAsProperties(config));
      } else if (a.equals("--conf")) {
        String[] kv = args[++i].split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("--conf " + args[i] + " (expected key=value)");
        }
        config = config.withRaw(kv[0].trim(), kv[1]);
      } else {
        throw new IllegalArgumentException("unknown argument '" + a + "' (expected --config FILE or --conf KEY=VALUE)");
      }
    }
    return config.validate();
  }

  private static Properties explicitAsProperties(AmtlConfig c) {
    Properties p = new Properties();
    p.putAll(c.explicitValues());
    return p;
  }
}

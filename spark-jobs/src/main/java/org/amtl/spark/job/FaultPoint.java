package org.amtl.spark.job;

import java.util.Arrays;
import org.apache.spark.TaskContext;

/**
 * Named places in the job where fault tests inject a fault, off unless a test asks for it.
 *
 * <ul>
 *   <li>Driver: when the system property {@value #PROPERTY} names the place, the JVM halts there at once, as a kill
 *       would (no finally blocks, no shutdown hooks, exit code {@value #EXIT_CODE}). A kill -9 from outside cannot
 *       hit a window of microseconds, such as the one between two renames; this can.
 *   <li>Tasks: when the job's local property {@value #FAIL_FIRST_ATTEMPT} lists the place, the first attempt of
 *       every task fails there, after it wrote its result file, so Spark retries it.
 * </ul>
 * Unset, each place costs one property read.
 */
public final class FaultPoint {
  public static final String PROPERTY = "amtl.test.haltAt";
  public static final int EXIT_CODE = 137;

  /** After the previous run was moved aside and before the new one is renamed into place. */
  public static final String BETWEEN_PUBLISH_RENAMES = "publish.betweenRenames";
  /** On object stores: after the data reached the published folder and before its manifest. */
  public static final String BEFORE_MANIFEST = "publish.beforeManifest";

  /** After the run was published and before LATEST is pointed at it. */
  public static final String BEFORE_LATEST = "publish.beforeLatest";

  /** The job's local property (comma-separated places) that makes the first attempt of each task fail. */
  public static final String FAIL_FIRST_ATTEMPT = "amtl.test.failFirstAttempt";
  /** A training task, after it wrote the rows it changed. */
  public static final String TRAIN_TASK = "train";
  /** An evaluation task, after it wrote its summaries. */
  public static final String EVALUATE_TASK = "evaluate";
  /** Sharded rows: a task of the join that delivers the rows each data partition needs, before it gives them. */
  public static final String PULL_TASK = "pull";
  /** Sharded rows: a shard's task that averages the rows pushed back, before it gives them. */
  public static final String COMBINE_TASK = "combine";
  /** Sharded rows: a shard's task that saved its rows for a checkpoint, after it wrote them. */
  public static final String SAVE_TASK = "save";
  /** Sharded rows: a task that wrote a part of the published embeddings, after it wrote it. */
  public static final String EXPORT_TASK = "export";

  private FaultPoint() {}

  /** In a task: throws when this is the task's first attempt and the job's local property lists the place. */
  static void failFirstAttempt(String place) {
    TaskContext task = TaskContext.get();
    String places = task == null ? null : task.getLocalProperty(FAIL_FIRST_ATTEMPT);
    if (places != null && task.attemptNumber() == 0 && Arrays.asList(places.split(",")).contains(place)) {
      throw new IllegalStateException("fault point " + place + ": the first attempt of partition "
          + task.partitionId() + " fails on purpose");
    }
  }

  static void reach(String place) {
    if (place.equals(System.getProperty(PROPERTY))) {
      System.err.println("fault point " + place + ": halting the JVM");
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }
}

package org.amtl.spark.job;

import org.amtl.core.config.Keys;

/**
 * Training produced a value that is not a finite number: the model diverged (a failure of the run, exit code 1,
 * not bad input). The message names the round, the partition and the tensor, and hints at the usual cause.
 */
public final class TrainingDiverged extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TrainingDiverged(int round, int partition, String what) {
    super("training diverged in round " + round + ", partition " + partition + ": " + what
        + "; nothing was published (lower " + Keys.DENSE_LR.name() + " or " + Keys.EMB_LR.name()
        + " and rerun)");
  }
}

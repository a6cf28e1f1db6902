package org.amtl.core.train;

/**
 * The figures of one training round, for the log, the report and the manifest: the mean training loss over the
 * examples the round trained on, its seconds, and the test AUC and logloss after it (NaN when not evaluated).
 */
public record RoundStats(int round, double trainLoss, long examples, double seconds, double testAuc,
    double testLogloss) {}

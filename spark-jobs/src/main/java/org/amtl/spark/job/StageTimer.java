package org.amtl.spark.job;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run's time goes: logs each stage as it ends and keeps the seconds per stage, in order. Stages inside the
 * training rounds (tasks, averaging, broadcast, evaluation) are added up across rounds with {@link #add}.
 */
public final class StageTimer {
  private static final Logger LOG = LoggerFactory.getLogger(StageTimer.class);
  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private long last = System.nanoTime();

  /** Ends the stage that started at the previous call. */
  public void done(String stage) {
    long now = System.nanoTime();
    double s = (now - last) / 1e9;
    LOG.info(String.format(Locale.ROOT, "stage '%s' took %.1f s", stage, s));
    seconds.merge(stage, s, Double::sum);
    last = now;
  }

  /** Adds time measured elsewhere to a stage, and restarts the clock of {@link #done}. */
  void add(String stage, double s) {
    seconds.merge(stage, s, Double::sum);
    last = System.nanoTime();
  }

  /** Seconds per stage, in the order the stages first ended. */
  public Map<String, Double> seconds() {
    return new LinkedHashMap<>(seconds);
  }

  /** One line: each stage's seconds and share of the total. */
  public String summary() {
    double total = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "time by stage (%.1f s):", total));
    seconds.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.1f s (%.0f%%);", k, v, 100 * v / total)));
    return sb.substring(0, sb.length() - 1);
  }
}

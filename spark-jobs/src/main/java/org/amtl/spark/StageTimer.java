package org.amtl.spark;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs how long each stage of the job took. */
final class StageTimer {
  private static final Logger LOG = LoggerFactory.getLogger(StageTimer.class);
  private long last = System.nanoTime();

  void done(String stage) {
    long now = System.nanoTime();
    LOG.info(String.format(Locale.ROOT, "stage '%s' took %.1f s", stage, (now - last) / 1e9));
    last = now;
  }
}

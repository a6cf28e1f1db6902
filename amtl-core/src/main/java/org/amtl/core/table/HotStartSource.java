package org.amtl.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Optional;
import org.amtl.core.config.Keys;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The table a run starts from, as {@code hotStart.path} names it: a path, nothing, or {@value #LATEST}, the run that
 * {@code <output.path>/LATEST} names ({@link LatestRun}). With {@value #LATEST} the first night, when nothing is
 * published yet, starts from scratch; and a rerun of the run LATEST already names (the same night again) starts from
 * the run its first attempt started from, read from its manifest, so that a rerun publishes the same tables.
 *
 * @param path the table to start from; empty for none
 * @param fromLatest whether {@code path} came from the LATEST pointer (the manifest records the run it named)
 * @param why what the job logs about the choice
 */
public record HotStartSource(String path, boolean fromLatest, String why) {
  /** The value of {@code hotStart.path} that follows the LATEST pointer under {@code output.path}. */
  public static final String LATEST = "latest";

  /** No hot start. */
  public static final HotStartSource NONE = new HotStartSource("", false, "no hot start");

  /** Whether the run starts from a table. */
  public boolean present() {
    return !path.isEmpty();
  }

  /** The run id of the table when it came from LATEST (the last name of its path), or null when none did. */
  public String latestRun() {
    return fromLatest && present() ? new Path(path).getName() : null;
  }

  /** Resolves {@code hotStart.path}; {@code runId} is this run's id under {@code outputRoot}. */
  public static HotStartSource resolve(String configured, Path outputRoot, String runId, Configuration conf)
      throws IOException {
    if (configured.isEmpty()) {
      return NONE;
    }
    if (!configured.equals(LATEST)) {
      return new HotStartSource(configured, false, "hot start from " + configured);
    }
    Optional<String> named;
    try {
      named = LatestRun.read(outputRoot, conf);
    } catch (IOException e) {
      throw new IllegalArgumentException(Keys.HOT_START.name() + "=" + LATEST + ": " + e.getMessage(), e);
    }
    if (named.isEmpty()) {
      return new HotStartSource("", true, Keys.HOT_START.name() + "=" + LATEST + ": no run is published under "
          + outputRoot + " yet (no " + LatestRun.FILE + "), so this one starts from scratch");
    }
    if (!named.get().equals(runId)) {
      return new HotStartSource(new Path(outputRoot, named.get()).toString(), true, Keys.HOT_START.name() + "="
          + LATEST + ": starting from run '" + named.get() + "', which " + LatestRun.FILE + " names");
    }
    // this run again: start from what its first attempt started from, so the rerun publishes the same tables
    JsonNode hot = Manifest.read(new Path(outputRoot, runId), conf).path("hotStart");
    if (!hot.has("latest")) {
      throw new IllegalArgumentException(Keys.HOT_START.name() + "=" + LATEST + ": " + LatestRun.FILE + " under "
          + outputRoot + " names this run '" + runId + "' itself, and its manifest does not say which run it "
          + "started from; set " + Keys.HOT_START.name() + " to that run's path");
    }
    if (hot.path("latest").isNull()) {
      return new HotStartSource("", true, Keys.HOT_START.name() + "=" + LATEST + ": a rerun of run '" + runId
          + "', whose first attempt started from scratch, starts from scratch again");
    }
    String previous = hot.path("latest").asText();
    return new HotStartSource(new Path(outputRoot, previous).toString(), true, Keys.HOT_START.name() + "=" + LATEST
        + ": a rerun of run '" + runId + "' starts from run '" + previous + "', as its first attempt did");
  }
}

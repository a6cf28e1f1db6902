package org.amtl.spark.job;

import java.io.IOException;
import java.util.UUID;
import org.amtl.core.config.Redaction;
import org.amtl.core.table.LatestRun;
import org.amtl.core.table.TableFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folders a run id owns under {@code output.path}, and the only code that moves or deletes a published folder.
 * The job moves or deletes nothing it did not write: the run id's folder {@code <runId>} only when it holds a
 * published run (a manifest) or when the marker {@code .<runId>.publishing} beside it says that this job's publish
 * into it was cut short (object stores); the hidden siblings {@code .<runId>.tmp-*} (a table being written) and
 * {@code .<runId>.old-*} (the run being replaced).
 *
 * <p>Replacing a run takes two renames: the published run moves to {@code .<runId>.old-*}, the new one moves in.
 * A driver killed between them leaves the old run aside; the next run with this id moves it back before it reads
 * any input, so the run id always ends with either the old or the new table published. Where rename is atomic
 * (HDFS, local disks) that holds at every point; on object stores a rename is a copy and a delete, so a kill while
 * the old run is being copied aside can lose it (the next run then publishes anew).
 */
public final class RunFolders {
  private static final Logger LOG = LoggerFactory.getLogger(RunFolders.class);

  private final FileSystem fs;
  private final Path root;
  private final String runId;
  private final Path target;
  private final Path publishing;

  public RunFolders(Path root, String runId, Configuration conf) throws IOException {
    this.fs = root.getFileSystem(conf);
    this.root = root;
    this.runId = runId;
    this.target = new Path(root, runId);
    this.publishing = new Path(root, publishingMarker(runId));
  }

  /**
   * The marker beside the run id's folder while an object store's publish is under way: written before the data
   * is copied in, removed after the manifest. It sits beside the folder, not in it, because the copy of a folder
   * moves its files in no set order.
   */
  public static String publishingMarker(String runId) {
    return "." + runId + ".publishing";
  }

  /** The published folder of the run. */
  public Path target() {
    return target;
  }

  /** A fresh hidden folder to write the table into, after removing those that killed attempts left. */
  public Path freshTemporary() throws IOException {
    for (FileStatus stale : siblings(".tmp-")) {
      fs.delete(stale.getPath(), true);
    }
    return new Path(root, "." + runId + ".tmp-" + UUID.randomUUID());
  }

  /**
   * Before any input is read: finishes or undoes a replacement a killed driver left half done, then refuses a run
   * id whose folder the job may not replace: a published run without {@code overwrite}, or a folder this job did
   * not write.
   */
  public void checkReplaceable(boolean overwrite) throws IOException {
    recoverInterruptedReplacement();
    if (!fs.exists(target)) {
      return;
    }
    if (isPublished(target)) {
      if (!overwrite) {
        throw new IllegalArgumentException("output " + shown(target) + " already holds a published run '" + runId
            + "' (set output.overwrite=true to replace it, or choose another output.runId)");
      }
    } else if (!fs.exists(publishing)) {
      throw new IllegalArgumentException("output " + shown(target) + " exists and is not a run published by this "
          + "job (it has no " + TableFormat.MANIFEST + "); the job never replaces a folder it did not write: move it "
          + "away or choose another output.runId");
    }
  }

  /**
   * Publishes the finished table in {@code tmp} as the run. {@code commit} writes the manifest and the
   * {@code _SUCCESS} marker into the folder it is given: into {@code tmp} before the rename where renames are
   * atomic, into the published folder after the data where they are copies (object stores).
   */
  public void publish(Path tmp, CommitWriter commit, boolean overwrite) throws IOException {
    boolean atomicRename = !fs.getScheme().startsWith("s3");
    if (atomicRename) {
      commit.write(tmp);
    }
    checkReplaceable(overwrite); // a published run may have appeared meanwhile
    Path old = null;
    if (fs.exists(target)) {
      if (isPublished(target)) {
        old = new Path(root, "." + runId + ".old-" + UUID.randomUUID());
        rename(target, old);
      } else {
        fs.delete(target, true); // an unfinished publish of this job (its marker checked above)
        fs.delete(publishing, false);
      }
    }
    FaultPoint.reach(FaultPoint.BETWEEN_PUBLISH_RENAMES);
    if (atomicRename) {
      rename(tmp, target);
    } else {
      // the marker first, so a kill at any later point leaves a folder the next run knows as its own
      fs.create(publishing, true).close();
      rename(tmp, target);
      FaultPoint.reach(FaultPoint.BEFORE_MANIFEST);
      commit.write(target);
      fs.delete(publishing, false);
    }
    if (old != null) {
      fs.delete(old, true);
    }
  }

  /**
   * Points {@code <output.path>/LATEST} at this run, which must be published: the last step of a run, so a driver
   * killed before it leaves the pointer on the previous run.
   */
  public void pointLatestHere() throws IOException {
    if (!isPublished(target)) {
      throw new IllegalStateException("run '" + runId + "' is not published: LATEST stays where it is");
    }
    FaultPoint.reach(FaultPoint.BEFORE_LATEST);
    LatestRun.write(root, runId, fs.getConf());
    LOG.info("{} now names run '{}'", shown(new Path(root, LatestRun.FILE)), runId);
  }

  /** Writes the commit files (manifest, _SUCCESS) into a folder. */
  public interface CommitWriter {
    void write(Path folder) throws IOException;
  }

  /**
   * A {@code .<runId>.old-*} folder is a published run that was being replaced. If the new run made it into place,
   * the old one is removed; otherwise the old one is moved back (after removing the remains of an unfinished
   * publish, if the run id's folder holds one).
   */
  private void recoverInterruptedReplacement() throws IOException {
    for (FileStatus st : siblings(".old-")) {
      Path old = st.getPath();
      if (isPublished(target)) {
        LOG.info("removing {}: the run that replaced it was published", shown(old));
        fs.delete(old, true);
      } else if (isPublished(old)) {
        if (fs.exists(target)) {
          if (!fs.exists(publishing)) {
            continue; // not ours: checkReplaceable refuses it and names it
          }
          fs.delete(target, true);
        }
        LOG.warn("a driver was stopped while replacing run '{}': moving the previous run back from {}", runId,
            shown(old));
        rename(old, target);
        fs.delete(publishing, false);
      }
    }
    if (isPublished(target) && fs.exists(publishing)) { // stopped after the manifest, before the marker went
      fs.delete(publishing, false);
    }
  }

  private FileStatus[] siblings(String kind) throws IOException {
    FileStatus[] found = fs.globStatus(new Path(root, "." + runId + kind + "*"));
    return found == null ? new FileStatus[0] : found;
  }

  private boolean isPublished(Path dir) throws IOException {
    return fs.exists(new Path(dir, TableFormat.MANIFEST));
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("could not rename " + shown(from) + " to " + shown(to));
    }
  }

  private static String shown(Path p) {
    return Redaction.redactUris(p.toString());
  }
}

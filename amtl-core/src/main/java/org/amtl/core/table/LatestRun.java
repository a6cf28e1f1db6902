package org.amtl.core.table;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import org.amtl.core.config.Keys;
import org.amtl.core.config.Redaction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The pointer {@code <output.path>/LATEST}: one line, the id of the run the training job published last there. A
 * consumer reads it to find today's table without listing folders; {@code hotStart.path=latest} reads it to start
 * from yesterday's. The job writes it after the run's manifest, so it only ever names a published run, and replaces
 * it in one step (a rename over it where the filesystem has one, one object write on S3), so a reader sees the old
 * run id or the new one, never an empty or half-written file.
 */
public final class LatestRun {
  /** The pointer's file name under the output root. */
  public static final String FILE = "LATEST";

  private LatestRun() {}

  /**
   * The run id {@code root/LATEST} names, or empty when there is no pointer (no run published there yet). Fails,
   * naming the file, when the pointer is not a run id or names a folder without a published run.
   */
  public static Optional<String> read(Path root, Configuration conf) throws IOException {
    FileSystem fs = root.getFileSystem(conf);
    Path latest = new Path(root, FILE);
    if (!fs.exists(latest)) {
      return Optional.empty();
    }
    String runId;
    try (InputStream in = fs.open(latest)) {
      runId = new String(in.readNBytes(1024), StandardCharsets.UTF_8).trim();
    }
    if (!runId.matches(Keys.NAME_PATTERN)) {
      throw new IOException(shown(latest) + " does not hold a run id: '" + runId + "'");
    }
    if (!fs.exists(new Path(new Path(root, runId), TableFormat.MANIFEST))) {
      throw new IOException(shown(latest) + " names run '" + runId + "', but " + shown(new Path(root, runId))
          + " holds no published run (no " + TableFormat.MANIFEST + ")");
    }
    return Optional.of(runId);
  }

  /**
   * The table a path names: a table's folder as it is, or {@code <output.path>/LATEST} as the run it names. Fails,
   * naming the path, when such a pointer does not exist.
   */
  public static Path table(Path path, Configuration conf) throws IOException {
    if (!path.getName().equals(FILE)) {
      return path;
    }
    String runId = read(path.getParent(), conf).orElseThrow(() -> new java.io.FileNotFoundException(
        shown(path) + ": no such pointer (no run was published there with output.latest=true)"));
    return new Path(path.getParent(), runId);
  }

  /** Points {@code root/LATEST} at {@code runId}, replacing the previous pointer in one step. */
  public static void write(Path root, String runId, Configuration conf) throws IOException {
    FileSystem fs = root.getFileSystem(conf);
    Path latest = new Path(root, FILE);
    byte[] line = (runId + "\n").getBytes(StandardCharsets.UTF_8);
    if (fs.getScheme().startsWith("s3")) { // an object is replaced whole when its one upload completes
      try (OutputStream out = fs.create(latest, true)) {
        out.write(line);
      }
      return;
    }
    if (fs instanceof LocalFileSystem local) {
      fs = local.getRaw(); // no .crc file beside the pointer: the rename below could not replace both at once
    }
    Path tmp = new Path(root, "." + FILE + ".tmp-" + UUID.randomUUID());
    try (OutputStream out = fs.create(tmp, false)) {
      out.write(line);
    }
    try {
      if (fs instanceof RawLocalFileSystem raw) {
        Files.move(raw.pathToFile(tmp).toPath(), raw.pathToFile(latest).toPath(), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } else { // HDFS renames over an existing file atomically through FileContext
        FileContext.getFileContext(fs.getUri(), conf).rename(tmp, latest, Options.Rename.OVERWRITE);
      }
    } finally {
      fs.delete(tmp, false); // gone after a rename; left by a failed one
    }
  }

  private static String shown(Path p) {
    return Redaction.redactUris(p.toString());
  }
}

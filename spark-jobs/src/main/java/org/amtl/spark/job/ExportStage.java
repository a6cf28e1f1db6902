package org.amtl.spark.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.config.Redaction;
import org.amtl.core.model.CtrModel;
import org.amtl.core.table.Manifest;
import org.amtl.core.table.ManifestBuilder;
import org.amtl.core.table.TableDiff;
import org.amtl.core.table.TableReader;
import org.amtl.core.table.HotStartSource;
import org.amtl.core.table.TableFormat;
import org.amtl.core.table.TableSummary;
import org.amtl.core.table.TableWriter;
import org.amtl.core.train.RoundStats;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a run's table, report and manifest into a hidden sibling folder {@code .<runId>.tmp-<nonce>} and hands it
 * to {@link RunFolders} to publish: on filesystems with atomic rename (HDFS, local) the manifest and
 * {@code _SUCCESS} are inside before the rename; on object stores (s3a), whose rename copies, manifest.json is
 * written last into the published folder, as the commit point readers check. A run that fails or is killed before
 * that publishes nothing and leaves other runs as they were; its leftover hidden folder is removed by the next
 * attempt of the same run id.
 */
public final class ExportStage {
  private ExportStage() {}

  /** Fails when the output root equals or lies inside an input path (a run would overwrite its own input). */
  public static void checkOutsideInputs(AmtlConfig config, Configuration conf) throws IOException {
    Path out = new Path(config.get(Keys.OUTPUT_PATH));
    Path qualifiedOut = out.getFileSystem(conf).makeQualified(out);
    for (String in : config.get(Keys.INPUT_PATHS)) {
      Path root = globFreePrefix(new Path(in));
      Path qualifiedIn = root.getFileSystem(conf).makeQualified(root);
      String o = qualifiedOut.toString();
      String i = qualifiedIn.toString();
      if (o.equals(i) || o.startsWith(i.endsWith("/") ? i : i + "/")) {
        throw new IllegalArgumentException("output path '" + Redaction.redactUris(config.get(Keys.OUTPUT_PATH))
            + "' (config key '" + Keys.OUTPUT_PATH.name() + "') is inside input path '" + Redaction.redactUris(in)
            + "' (config key '" + Keys.INPUT_PATHS.name() + "'); expected an output outside every input");
      }
    }
  }

  /** The longest leading part of a path without glob characters. */
  private static Path globFreePrefix(Path p) {
    Path prefix = p;
    for (Path q = p; q != null; q = q.getParent()) {
      if (q.getName().matches(".*[*?\\[\\]{}].*")) {
        prefix = q.getParent();
      }
    }
    return prefix == null ? p : prefix;
  }

  /** What writing a table's data files gives: their relative paths in manifest order, and the table's summary. */
  public record Written(List<String> files, TableSummary table) {}

  /** Writes a table's data files under a folder: from the driver's model, or shard by shard. */
  public interface TableWrite {
    Written write(Path dir) throws IOException;
  }

  /** The data files of a whole model on the driver ({@link TableWriter#write}). */
  public static TableWrite ofModel(CtrModel model, AmtlConfig config, Configuration conf) {
    int rowsPerPart = config.getInt(Keys.ROWS_PER_PART);
    return dir -> new Written(TableWriter.write(model, dir, conf, rowsPerPart),
        TableSummary.of(model, config.getInt(Keys.FREQUENCY_BUCKETS), rowsPerPart));
  }

  /**
   * What changed since the table a hot-started run started from, for its report: compared on the driver, so only
   * while the two tables hold at most {@value #DIFF_ROWS} rows together (beyond, the report names the
   * {@code amtl-table diff} command). Null without a hot start.
   */
  static Report.Since since(ManifestBuilder.RunFacts facts, Path tmp, ObjectNode manifest, Path target,
      Configuration conf) throws IOException {
    HotStartSource hot = facts.hotStart();
    if (!hot.present()) {
      return null;
    }
    Path previous = new Path(hot.path());
    String runId;
    try (TableReader older = TableReader.open(previous, conf)) {
      runId = older.manifest().path("run").path("runId").asText(previous.getName());
      boolean sibling = previous.getParent() != null && target.getParent() != null
          && previous.getFileSystem(conf).makeQualified(previous.getParent())
              .equals(target.getFileSystem(conf).makeQualified(target.getParent()));
      String link = (sibling ? "../../" + previous.getName() : Redaction.redactUris(hot.path())) + "/report/index.html";
      long rows = rows(older.manifest()) + rows(manifest);
      if (rows > DIFF_ROWS) { // the same choice in both modes, so both publish the same report
        return new Report.Since(runId, link, String.format(java.util.Locale.ROOT, "not compared here: the two tables "
            + "hold %,d rows, more than the %,d the driver compares; run submit/amtl-table diff %s %s", rows,
            DIFF_ROWS, Redaction.redactUris(hot.path()), target.getName()));
      }
      try (TableReader newer = TableReader.open(tmp, conf, manifest)) {
        return new Report.Since(runId, link, TableDiff.changes(TableDiff.compare(older, "", newer, "")));
      }
    }
  }

  /** The most rows (both tables together) the report's comparison reads on the driver. */
  static final long DIFF_ROWS = 2_000_000;

  private static long rows(com.fasterxml.jackson.databind.JsonNode manifest) {
    long n = 0;
    for (com.fasterxml.jackson.databind.JsonNode f : manifest.path("fields")) {
      n += f.path("rows").asLong();
    }
    return n;
  }

  /** A published run: its folder and its table's summary. */
  public record Published(Path folder, TableSummary table) {}

  /**
   * Writes the run's table ({@code table}), report and manifest beside the run's folder and publishes them through
   * {@code folders}; returns the published folder and the table's summary.
   */
  public static Published publish(RunFolders folders, TableWrite table, AmtlConfig config, List<RoundStats> rounds,
      EvalStage.Result eval, ManifestBuilder.RunFacts facts, Configuration conf) throws IOException {
    Path tmp = folders.freshTemporary();
    FileSystem fs = tmp.getFileSystem(conf);
    try {
      Written written = table.write(tmp);
      List<String> files = new ArrayList<>(written.files());
      ObjectNode manifest = ManifestBuilder.build(written.table(), config, rounds, eval.summary(), eval.perBucket(),
          facts);
      files.addAll(Report.write(fs, tmp, written.table(), config, rounds, eval,
          since(facts, tmp, manifest, folders.target(), conf)));
      manifest.set("files", Manifest.fileEntries(fs, tmp, files));
      manifest.with("run").put("finishedAtMillis", System.currentTimeMillis());
      folders.publish(tmp, folder -> {
        Manifest.write(manifest, folder, conf);
        fs.create(new Path(folder, TableFormat.SUCCESS), true).close();
      }, config.getBoolean(Keys.OUTPUT_OVERWRITE));
      return new Published(folders.target(), written.table());
    } finally {
      if (fs.exists(tmp)) {
        fs.delete(tmp, true);
      }
    }
  }
}

package org.amtl.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.config.Redaction;
import org.amtl.core.metrics.EvalSummary;
import org.amtl.core.table.LatestRun;
import org.amtl.core.table.Manifest;
import org.amtl.core.table.TableFormat;
import org.amtl.spark.cli.JobMain;
import org.amtl.spark.io.FieldSpec;
import org.amtl.spark.io.InputStage;
import org.amtl.spark.job.RunFolders;
import org.amtl.spark.job.ScoreStage;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring job: a published table's click probability for every row of a log. Usage:
 * {@code ScoreJob [--config file.properties] [--conf key=value]...} with {@code score.table}, {@code score.output}
 * and {@code input.paths} set. Publishes Parquet of the kept columns and {@code probability}, with a manifest
 * written last, in one step like a training run; with {@code score.label} it also reports the exact AUC, logloss
 * and calibration.
 */
public final class ScoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);

  /** What a finished scoring run reports; the metrics are NaN without {@code score.label}. */
  public record Summary(String output, long rows, double auc, double logloss, double calibration) {}

  private ScoreJob() {}

  public static void main(String[] args) {
    JobMain.main("amtl-score", args, (spark, config) -> {
      Summary s = run(spark, config);
      return String.format(Locale.ROOT, "scored %d rows%s%npublished %s%n", s.rows(), Double.isNaN(s.logloss()) ? ""
          : String.format(Locale.ROOT, ": AUC %.5f, logloss %.5f, calibration %.4f", s.auc(), s.logloss(),
              s.calibration()), s.output());
    });
  }

  public static Summary run(SparkSession spark, AmtlConfig config) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String tableArg = required(config, Keys.SCORE_TABLE);
    Path output = new Path(required(config, Keys.SCORE_OUTPUT));
    if (!output.getName().matches(Keys.NAME_PATTERN)) {
      throw new IllegalArgumentException("config key '" + Keys.SCORE_OUTPUT.name() + "': folder name '"
          + output.getName() + "' (expected a letter or digit, then letters, digits, '.', '_' or '-')");
    }
    Path table = LatestRun.table(new Path(tableArg), conf);
    JsonNode manifest = checkedManifest(table, conf);
    RunFolders folders = new RunFolders(output.getParent(), output.getName(), conf);
    folders.checkReplaceable(config.getBoolean(Keys.SCORE_OVERWRITE));

    List<String> paths = config.get(Keys.INPUT_PATHS);
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("config key '" + Keys.INPUT_PATHS.name() + "' is empty (expected the log "
          + "to score)");
    }
    Dataset<Row> raw = InputStage.readFiles(spark, paths, config.get(Keys.INPUT_FORMAT));
    String where = "input " + paths;
    List<String> keep = config.get(Keys.SCORE_KEEP).isEmpty() ? List.of(raw.columns()) : config.get(Keys.SCORE_KEEP);
    List<Column> select = new ArrayList<>();
    for (String name : keep) {
      if (name.equals(ScoreStage.PROBABILITY)) {
        throw new IllegalArgumentException(where + ": column '" + name + "' is kept, and the scores are written "
            + "under that name (leave it out of " + Keys.SCORE_KEEP.name() + ")");
      }
      if (!List.of(raw.columns()).contains(name)) {
        throw new IllegalArgumentException(where + ": no column '" + name + "' (named by config key '"
            + Keys.SCORE_KEEP.name() + "'; columns: " + List.of(raw.columns()) + ")");
      }
      select.add(InputStage.quoted(name).as(name));
    }
    List<FieldSpec> fields = new ArrayList<>();
    for (JsonNode f : manifest.path("fields")) {
      String name = f.path("name").asText();
      FieldSpec spec = InputStage.feature(raw, name, where, Keys.SCORE_TABLE.name() + " (a field of table "
          + Redaction.redactUris(table.toString()) + ")");
      if (spec.list() != f.path("list").asBoolean(false)) {
        throw new IllegalArgumentException(where + ": feature column '" + name + "' is " + (spec.list() ? "" : "not ")
            + "a list, and the table's field is " + (spec.list() ? "not" : "one") + " (expected the training log's "
            + "shape)");
      }
      fields.add(spec);
      select.add(InputStage.asStrings(spec).as(ScoreStage.fieldColumn(fields.size() - 1)));
    }
    String label = config.get(Keys.SCORE_LABEL);
    if (!label.isEmpty()) {
      select.add(InputStage.label(raw, label, where, Keys.SCORE_LABEL.name()).as(InputStage.LABEL));
    }

    ScoreStage.Scored scored = ScoreStage.score(raw.select(select.toArray(new Column[0])), keep, fields.size(),
        table, !label.isEmpty());
    try {
      Path tmp = folders.freshTemporary();
      FileSystem fs = tmp.getFileSystem(conf);
      try {
        List<Column> written = new ArrayList<>(keep.stream().map(InputStage::quoted).toList());
        written.add(InputStage.quoted(ScoreStage.PROBABILITY));
        List<String> files = ScoreStage.write(scored.rows().select(written.toArray(new Column[0])), tmp, fs);
        long rows = scored.rows().count();
        EvalSummary metrics = label.isEmpty() ? null : scored.metrics();
        ObjectNode m = scoresManifest(table, manifest, paths, keep, rows, metrics);
        m.set("files", Manifest.fileEntries(fs, tmp, files));
        folders.publish(tmp, folder -> {
          Manifest.write(m, folder, conf);
          fs.create(new Path(folder, TableFormat.SUCCESS), true).close();
        }, config.getBoolean(Keys.SCORE_OVERWRITE));
        LOG.info("published {} scores to {}", rows, Redaction.redactUris(output.toString()));
        return new Summary(folders.target().toString(), rows, metrics == null ? Double.NaN : metrics.auc(),
            metrics == null ? Double.NaN : metrics.logloss(), metrics == null ? Double.NaN : metrics.calibration());
      } finally {
        if (fs.exists(tmp)) {
          fs.delete(tmp, true);
        }
      }
    } finally {
      scored.rows().unpersist();
    }
  }

  private static String required(AmtlConfig config, org.amtl.core.config.ConfigKey<String> key) {
    String v = config.get(key);
    if (v.isEmpty()) {
      throw new IllegalArgumentException("config key '" + key.name() + "' is empty (expected a path)");
    }
    return v;
  }

  /**
   * The table's manifest after checking its files against it (sizes and checksums; the driver does not read the
   * rows); an unknown format version is refused by name.
   */
  private static JsonNode checkedManifest(Path table, Configuration conf) throws IOException {
    return Manifest.readVerified(table, conf, "table " + Redaction.redactUris(table.toString()) + " (config key '"
        + Keys.SCORE_TABLE.name() + "')", false);
  }

  private static ObjectNode scoresManifest(Path table, JsonNode tableManifest, List<String> paths, List<String> keep,
      long rows, EvalSummary metrics) {
    ObjectNode m = Manifest.JSON.createObjectNode();
    m.putObject("format").put("name", ScoreStage.FORMAT).put("version", 1);
    m.putObject("table").put("path", Redaction.redactUris(table.toString()))
        .put("runId", tableManifest.path("run").path("runId").asText());
    var input = m.putArray("input");
    paths.forEach(p -> input.add(Redaction.redactUris(p)));
    var columns = m.putArray("columns");
    keep.forEach(columns::add);
    columns.add(ScoreStage.PROBABILITY);
    m.put("rows", rows);
    if (metrics == null) {
      m.putNull("metrics");
    } else {
      m.putObject("metrics").put("auc", metrics.auc()).put("logloss", metrics.logloss())
          .put("calibration", metrics.calibration()).put("examples", metrics.count());
    }
    return m;
  }
}

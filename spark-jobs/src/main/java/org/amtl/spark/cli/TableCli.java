package org.amtl.spark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amtl.core.config.Redaction;
import org.amtl.core.table.LatestRun;
import org.amtl.core.table.Manifest;
import org.amtl.core.table.TableDiff;
import org.amtl.core.table.TableReader;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The table command line: {@code inspect <table>} prints a published table's summary, {@code validate <table>}
 * checks it against its manifest (exit 1 with the problems when it does not match), {@code diff <older> <newer>
 * [--json]} says what changed between two runs ({@link TableDiff}), {@code lookup <table> <field> <value>} prints a
 * value's row. A table may also be given as an output root's {@code LATEST} pointer ({@code <output.path>/LATEST}),
 * which stands for the run it names. Any Hadoop path works; filesystem settings come from
 * {@code -Dspark.hadoop.*}-style system properties, {@code fs.*} ones included.
 */
public final class TableCli {
  private static final String USAGE = "usage: TableCli inspect|validate <table> | diff <older table> <newer table> "
      + "[--json] | lookup <table> <field> <value>   (a table may be <output.path>/LATEST)";

  private TableCli() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.out, System.err, hadoopConf());
    } catch (Exception e) { // a missing or unreadable table: one line, credentials in paths hidden
      System.err.println("error: " + Redaction.redactUris(String.valueOf(e.getMessage())));
      code = 1;
    }
    System.exit(code);
  }

  /** Runs a command; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err, Configuration conf) throws Exception {
    String command = args.length == 0 ? "" : args[0];
    boolean known = switch (command) {
      case "inspect", "validate" -> args.length == 2;
      case "diff" -> args.length == 3 || (args.length == 4 && args[3].equals("--json"));
      case "lookup" -> args.length == 4;
      default -> false;
    };
    if (!known) {
      err.println(USAGE);
      return 2;
    }
    Path dir = table(args[1], conf);
    String shown = Redaction.redactUris(dir.toString());
    switch (command) {
      case "inspect" -> {
        inspect(Manifest.read(dir, conf), shown, out);
        return 0;
      }
      case "diff" -> {
        TableDiff.Result diff = TableDiff.compare(dir, table(args[2], conf), conf);
        out.print(args.length == 4 ? Manifest.JSON.writeValueAsString(TableDiff.json(diff)) + "\n"
            : Redaction.redactUris(TableDiff.text(diff)));
        return 0;
      }
      case "lookup" -> {
        return lookup(dir, args[2], args[3], out, err, conf);
      }
      default -> {
        List<String> problems = Manifest.verify(dir, conf);
        if (problems.isEmpty()) {
          out.println("valid: " + shown + " matches its manifest");
          return 0;
        }
        err.println("INVALID: " + shown);
        problems.forEach(p -> err.println("  " + p));
        return 1;
      }
    }
  }

  /** The table a command-line argument names: a table's folder, or an output root's LATEST pointer. */
  static Path table(String arg, Configuration conf) throws java.io.IOException {
    return LatestRun.table(new Path(arg), conf);
  }

  /** Prints one value's row: its id, count, dim, stored vector and first-order weight. */
  static int lookup(Path dir, String field, String value, PrintStream out, PrintStream err, Configuration conf)
      throws java.io.IOException {
    try (TableReader reader = TableReader.open(dir, conf)) {
      if (!reader.fields().contains(field)) {
        err.println("error: table " + Redaction.redactUris(dir.toString()) + " has no field '" + field
            + "' (fields: " + reader.fields() + ")");
        return 1;
      }
      TableReader.FieldRows rows = reader.field(field);
      int id = rows.idOf(value);
      String variant = reader.manifest().path("model").path("embedding").asText();
      out.printf(Locale.ROOT, "%s = %s: %s%n", field, value, id == 0
          ? "not in the vocabulary; the field's out-of-vocabulary row (id 0)" : "row id " + id);
      out.printf(Locale.ROOT, "count %d, dim %d of %d%s%n", rows.count(id), rows.dim(id), reader.maxDim(),
          rows.hasWeights() ? String.format(Locale.ROOT, ", first-order weight %s", rows.weight(id)) : "");
      out.printf(Locale.ROOT, "vector %s%n", java.util.Arrays.toString(rows.vector(id)));
      if (variant.equals("mde") || variant.equals("autoemb")) {
        out.printf(Locale.ROOT, "(%s stores the row of its block or candidate: the model multiplies it by the "
            + "field's projection in dense; see docs/table-format.md)%n", variant);
      }
      return 0;
    }
  }

  static void inspect(JsonNode m, String dir, PrintStream out) {
    JsonNode model = m.path("model");
    out.printf(Locale.ROOT, "table %s (format %s v%d), run %s%n", dir, m.path("format").path("name").asText(),
        m.path("format").path("version").asInt(), m.path("run").path("runId").asText());
    out.printf(Locale.ROOT, "model: %s embeddings under %s, max dim %d, %d dense parameters%n",
        model.path("embedding").asText(), model.path("head").asText(), model.path("maxDim").asInt(),
        model.path("denseParameters").asLong());
    JsonNode test = m.path("metrics").path("test");
    out.printf(Locale.ROOT, "test: AUC %.5f, logloss %.5f, calibration %.4f on %d examples%n",
        test.path("auc").asDouble(), test.path("logloss").asDouble(), test.path("calibration").asDouble(),
        test.path("examples").asLong());
    JsonNode s = m.path("storage");
    out.printf(Locale.ROOT, "storage: %d of %d floats (%.1f%%), %d of %d bytes%n", s.path("keptFloats").asLong(),
        s.path("fixedFloats").asLong(), 100 * s.path("ratio").asDouble(), s.path("keptBytes").asLong(),
        s.path("fixedBytes").asLong());
    out.printf(Locale.ROOT, "%-24s %10s %10s %12s%n", "field", "rows", "mean dim", "kept floats");
    for (JsonNode f : m.path("fields")) {
      long rows = 0;
      long dims = 0;
      for (Iterator<Map.Entry<String, JsonNode>> it = f.path("dimHistogram").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        rows += e.getValue().asLong();
        dims += Long.parseLong(e.getKey()) * e.getValue().asLong();
      }
      out.printf(Locale.ROOT, "%-24s %10d %10.2f %12d%n", f.path("name").asText(), f.path("rows").asLong(),
          rows == 0 ? 0.0 : (double) dims / rows, f.path("keptFloats").asLong());
    }
    out.printf(Locale.ROOT, "input: %s; %d train rows, %d test rows; %d files%n", m.path("input").path("paths"),
        m.path("input").path("rows").path("train").asLong(), m.path("input").path("rows").path("test").asLong(),
        m.path("files").size());
  }

  /** Hadoop settings from system properties named spark.hadoop.X (as X) or fs.X. */
  static Configuration hadoopConf() {
    Configuration conf = new Configuration();
    System.getProperties().stringPropertyNames().forEach(k -> {
      if (k.startsWith("spark.hadoop.")) {
        conf.set(k.substring("spark.hadoop.".length()), System.getProperty(k));
      } else if (k.startsWith("fs.")) {
        conf.set(k, System.getProperty(k));
      }
    });
    return conf;
  }
}

package org.amtl.spark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amtl.core.config.Redaction;
import org.amtl.core.table.Manifest;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The table command line: {@code inspect <table>} prints a published table's summary, {@code validate <table>}
 * checks it against its manifest (exit 1 with the problems when it does not match). Any Hadoop path works;
 * filesystem settings come from {@code -Dspark.hadoop.*}-style system properties, {@code fs.*} ones included.
 */
public final class TableCli {
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
    if (args.length != 2 || !List.of("inspect", "validate").contains(args[0])) {
      err.println("usage: TableCli inspect|validate <table path>");
      return 2;
    }
    Path dir = new Path(args[1]);
    String shown = Redaction.redactUris(args[1]);
    if (args[0].equals("inspect")) {
      inspect(Manifest.read(dir, conf), shown, out);
      return 0;
    }
    List<String> problems = Manifest.verify(dir, conf);
    if (problems.isEmpty()) {
      out.println("valid: " + shown + " matches its manifest");
      return 0;
    }
    err.println("INVALID: " + shown);
    problems.forEach(p -> err.println("  " + p));
    return 1;
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

package org.amtl.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What changed between two published tables (yesterday's run and today's): per field the values added, removed and
 * kept; for kept values how their dims changed and how far their vectors moved (the cosine of the two vectors over
 * the dims both keep); and the storage and test metrics of both runs. Values are matched by their string, not by
 * row id (ids follow counts and change every day); the OOV rows are left out.
 */
public final class TableDiff {
  /**
   * One field's changes. {@code dimChange} maps (newer dim - older dim) to the kept rows with that change;
   * {@code meanCosine} averages over the kept rows whose common prefix is not all zeros ({@code cosineRows} of them;
   * NaN when there are none).
   */
  public record FieldDiff(String field, long added, long removed, long kept, SortedMap<Integer, Long> dimChange,
      double meanCosine, long cosineRows) {}

  /** A run's side of the comparison, from its manifest. */
  public record RunFacts(String path, String runId, long keptFloats, long fixedFloats, double storageRatio,
      double auc, double logloss) {
    static RunFacts of(String path, JsonNode m) {
      JsonNode s = m.path("storage");
      JsonNode test = m.path("metrics").path("test");
      return new RunFacts(path, m.path("run").path("runId").asText(), s.path("keptFloats").asLong(),
          s.path("fixedFloats").asLong(), s.path("ratio").asDouble(), test.path("auc").asDouble(Double.NaN),
          test.path("logloss").asDouble(Double.NaN));
    }
  }

  /** The comparison: both runs, the fields they share, and the fields only one of them has. */
  public record Result(RunFacts older, RunFacts newer, List<FieldDiff> fields, List<String> onlyInOlder,
      List<String> onlyInNewer) {}

  private TableDiff() {}

  /** Compares the tables at {@code older} and {@code newer} (any Hadoop paths). */
  public static Result compare(Path older, Path newer, Configuration conf) throws IOException {
    try (TableReader a = TableReader.open(older, conf); TableReader b = TableReader.open(newer, conf)) {
      return compare(a, older.toString(), b, newer.toString());
    }
  }

  /** Compares two opened tables, shown as {@code olderPath} and {@code newerPath}. */
  public static Result compare(TableReader a, String olderPath, TableReader b, String newerPath) throws IOException {
    List<FieldDiff> fields = new ArrayList<>();
    for (String name : a.fields()) {
      if (b.fields().contains(name)) {
        fields.add(field(name, a.field(name), b.field(name)));
      }
    }
    return new Result(RunFacts.of(olderPath, a.manifest()), RunFacts.of(newerPath, b.manifest()), fields,
        a.fields().stream().filter(f -> !b.fields().contains(f)).toList(),
        b.fields().stream().filter(f -> !a.fields().contains(f)).toList());
  }

  static FieldDiff field(String name, TableReader.FieldRows older, TableReader.FieldRows newer) {
    long kept = 0;
    long removed = 0;
    SortedMap<Integer, Long> dimChange = new TreeMap<>();
    double cosineSum = 0;
    long cosineRows = 0;
    for (int id = 1; id < older.size(); id++) {
      int newId = newer.idOf(older.value(id));
      if (newId == 0) {
        removed++;
        continue;
      }
      kept++;
      dimChange.merge(newer.dim(newId) - older.dim(id), 1L, Long::sum);
      double cos = prefixCosine(older.vector(id), newer.vector(newId));
      if (!Double.isNaN(cos)) {
        cosineSum += cos;
        cosineRows++;
      }
    }
    long added = (newer.size() - 1) - kept;
    return new FieldDiff(name, added, removed, kept, dimChange,
        cosineRows == 0 ? Double.NaN : cosineSum / cosineRows, cosineRows);
  }

  /** The cosine of two vectors over the dims both keep; NaN when either prefix is empty or all zeros. */
  static double prefixCosine(float[] a, float[] b) {
    int k = Math.min(a.length, b.length);
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < k; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? Double.NaN : dot / Math.sqrt(na * nb);
  }

  /** The comparison for people: the runs' storage and metrics, then one line per field. */
  public static String text(Result r) {
    return String.format(Locale.ROOT, "from %s (run %s)%n  to %s (run %s)%n", r.older().path(), r.older().runId(),
        r.newer().path(), r.newer().runId()) + changes(r);
  }

  /** {@link #text} without the two tables' paths: storage, metrics, then one line per field. */
  public static String changes(Result r) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "storage: %,d -> %,d floats (%.1f%% -> %.1f%% of fixed size)%n",
        r.older().keptFloats(), r.newer().keptFloats(), 100 * r.older().storageRatio(),
        100 * r.newer().storageRatio()));
    out.append(String.format(Locale.ROOT, "test AUC %.5f -> %.5f (%+.5f), logloss %.5f -> %.5f (%+.5f)%n",
        r.older().auc(), r.newer().auc(), r.newer().auc() - r.older().auc(), r.older().logloss(),
        r.newer().logloss(), r.newer().logloss() - r.older().logloss()));
    out.append(String.format(Locale.ROOT, "%-20s %10s %10s %10s %9s %9s %9s %12s%n", "field", "added", "removed",
        "kept", "dim up", "same dim", "dim down", "mean cosine"));
    for (FieldDiff f : r.fields()) {
      long up = 0;
      long down = 0;
      for (Map.Entry<Integer, Long> e : f.dimChange().entrySet()) {
        if (e.getKey() > 0) {
          up += e.getValue();
        } else if (e.getKey() < 0) {
          down += e.getValue();
        }
      }
      out.append(String.format(Locale.ROOT, "%-20s %10d %10d %10d %9d %9d %9d %12.4f%n", f.field(), f.added(),
          f.removed(), f.kept(), up, f.dimChange().getOrDefault(0, 0L), down, f.meanCosine()));
    }
    for (FieldDiff f : r.fields()) {
      if (f.dimChange().size() > 1) {
        List<String> bins = new ArrayList<>();
        f.dimChange().forEach((change, rows) -> bins.add(String.format(Locale.ROOT, "%+d: %d", change, rows)));
        out.append(String.format(Locale.ROOT, "dim changes of kept %s rows: %s%n", f.field(),
            String.join(", ", bins)));
      }
    }
    if (!r.onlyInOlder().isEmpty() || !r.onlyInNewer().isEmpty()) {
      out.append(String.format(Locale.ROOT, "fields only in the older table: %s; only in the newer: %s%n",
          r.onlyInOlder(), r.onlyInNewer()));
    }
    return out.toString();
  }

  /** The comparison for machines. */
  public static ObjectNode json(Result r) {
    ObjectNode root = Manifest.JSON.createObjectNode();
    for (String side : List.of("older", "newer")) {
      RunFacts f = side.equals("older") ? r.older() : r.newer();
      ObjectNode n = root.putObject(side);
      n.put("path", f.path()).put("runId", f.runId()).put("keptFloats", f.keptFloats())
          .put("fixedFloats", f.fixedFloats()).put("storageRatio", f.storageRatio()).put("auc", f.auc())
          .put("logloss", f.logloss());
    }
    ObjectNode fields = root.putObject("fields");
    for (FieldDiff f : r.fields()) {
      ObjectNode n = fields.putObject(f.field());
      n.put("added", f.added()).put("removed", f.removed()).put("kept", f.kept());
      ObjectNode changes = n.putObject("dimChange");
      f.dimChange().forEach((change, rows) -> changes.put(Integer.toString(change), rows));
      if (Double.isNaN(f.meanCosine())) {
        n.putNull("meanCosine");
      } else {
        n.put("meanCosine", f.meanCosine());
      }
      n.put("cosineRows", f.cosineRows());
    }
    com.fasterxml.jackson.databind.node.ArrayNode onlyOlder = root.putArray("onlyInOlder");
    r.onlyInOlder().forEach(onlyOlder::add);
    com.fasterxml.jackson.databind.node.ArrayNode onlyNewer = root.putArray("onlyInNewer");
    r.onlyInNewer().forEach(onlyNewer::add);
    return root;
  }
}

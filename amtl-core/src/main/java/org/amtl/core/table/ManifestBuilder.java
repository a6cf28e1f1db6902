package org.amtl.core.table;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.config.Redaction;
import org.amtl.core.metrics.BucketedAuc;
import org.amtl.core.metrics.EvalSummary;
import org.amtl.core.model.Storage;
import org.amtl.core.train.RoundStats;

/**
 * Builds a run's {@value TableFormat#MANIFEST} (docs/table-format.md) from the summary of its table, its configuration,
 * the per-round figures, the test evaluation and the facts of the run; {@link Manifest} writes, reads and verifies
 * it. Configuration values and paths pass {@link Redaction}.
 */
public final class ManifestBuilder {
  /**
   * What the manifest records besides the model: the run id, the input paths (empty for a generated log) and rows,
   * whether each field is a list of values, the table the run started from, the start time, and where the
   * rows lived while training ({@code shards}: 0 when every task held them all).
   */
  public record RunFacts(String runId, List<String> inputPaths, long trainRows, long testRows,
      List<Boolean> listFields, HotStartSource hotStart, long startedAtMillis, int shards) {}

  private ManifestBuilder() {}

  /**
   * The manifest of a run whose table {@code table} summarises, without its {@code files} list and finishing time,
   * which the publisher adds.
   */
  public static ObjectNode build(TableSummary table, AmtlConfig config, List<RoundStats> rounds, EvalSummary test,
      BucketedAuc perBucket, RunFacts facts) {
    ObjectNode m = Manifest.JSON.createObjectNode();
    m.putObject("format").put("name", TableFormat.NAME).put("version", TableFormat.VERSION);
    Storage storage = table.storage();
    m.putObject("model")
        .put("embedding", config.get(Keys.EMBEDDING).name().toLowerCase(java.util.Locale.ROOT))
        .put("head", config.get(Keys.HEAD).name().toLowerCase(java.util.Locale.ROOT))
        .put("maxDim", table.maxDim())
        .put("denseParameters", storage.denseFloats());
    ArrayNode fields = m.putArray("fields");
    for (int f = 0; f < table.fields().size(); f++) {
      TableSummary.Field field = table.fields().get(f);
      ObjectNode e = fields.addObject();
      e.put("name", field.name()).put("list", facts.listFields().get(f)).put("rows", field.rows())
          .put("vocabulary", field.vocabulary()).put("parts", field.parts())
          .put("keptFloats", storage.keptFloats()[f]).put("fixedFloats", storage.fixedFloats()[f]);
      ObjectNode h = e.putObject("dimHistogram");
      for (int d = 1; d < field.dimRows().length; d++) {
        if (field.dimRows()[d] > 0) {
          h.put(Integer.toString(d), field.dimRows()[d]);
        }
      }
    }
    ObjectNode storageNode = m.putObject("storage");
    if (config.getDouble(Keys.BUDGET_TARGET_RATIO) > 0) { // what the user asked for, beside the ratio it gave
      storageNode.put("target", config.getDouble(Keys.BUDGET_TARGET_RATIO));
    }
    storageNode.put("keptFloats", storage.totalKept())
        .put("fixedFloats", storage.totalFixed())
        .put("ratio", storage.ratio())
        // floats, plus one byte of dim per row where dims vary (not for fixed-size tables)
        .put("keptBytes", storage.totalKept() * 4 + (config.get(Keys.EMBEDDING).dimPerRow() ? table.rows() : 0))
        .put("fixedBytes", storage.totalFixed() * 4);
    ObjectNode metrics = m.putObject("metrics");
    metrics.putObject("test").put("auc", test.auc()).put("logloss", test.logloss())
        .put("calibration", test.calibration()).put("examples", test.count());
    ObjectNode byBucket = metrics.putObject("aucByFrequencyBucket");
    for (int f = 0; f < table.fields().size(); f++) {
      ObjectNode fieldNode = byBucket.putObject(table.fields().get(f).name());
      for (int b = 0; b < perBucket.buckets(); b++) {
        long n = perBucket.count(f, b);
        if (n > 0) {
          double auc = perBucket.auc(f, b);
          ObjectNode bn = fieldNode.putObject(Integer.toString(b)).put("examples", n);
          if (Double.isNaN(auc)) {
            bn.putNull("auc");
          } else {
            bn.put("auc", auc);
          }
        }
      }
    }
    ArrayNode roundsNode = metrics.putArray("rounds");
    for (RoundStats r : rounds) {
      ObjectNode rn = roundsNode.addObject().put("round", r.round()).put("trainLoss", r.trainLoss())
          .put("examples", r.examples());
      if (!Double.isNaN(r.testAuc())) {
        rn.put("testAuc", r.testAuc()).put("testLogloss", r.testLogloss());
      }
    }
    ObjectNode configNode = m.putObject("config");
    Properties resolved = config.toProperties();
    Map<String, String> asMap = new java.util.TreeMap<>();
    resolved.stringPropertyNames().forEach(k -> asMap.put(k, resolved.getProperty(k)));
    asMap.remove(Keys.OUTPUT_RUN_ID.name()); // differs between runs by design: it lives in the run section
    Redaction.redact(asMap).forEach(configNode::put);
    ObjectNode input = m.putObject("input");
    ArrayNode paths = input.putArray("paths");
    facts.inputPaths().forEach(p -> paths.add(Redaction.redactUris(p)));
    if (facts.inputPaths().isEmpty()) {
      input.put("generated", true);
    }
    input.putObject("rows").put("train", facts.trainRows()).put("test", facts.testRows());
    HotStartSource hot = facts.hotStart();
    if (!hot.present() && !hot.fromLatest()) {
      m.putNull("hotStart");
    } else {
      ObjectNode started = m.putObject("hotStart");
      started.put("path", hot.present() ? Redaction.redactUris(hot.path()) : null);
      if (hot.fromLatest()) { // the run LATEST named (null: none yet); a rerun of this run starts from it again
        started.put("latest", hot.latestRun());
      }
    }
    ObjectNode run = m.putObject("run");
    run.put("runId", facts.runId()).put("startedAtMillis", facts.startedAtMillis())
        .put("tables", facts.shards() == 0 ? "broadcast" : "sharded").put("shards", facts.shards())
        // as the driver's JVM found the libraries; each executor logs its own
        .put("kernels", config.get(Keys.KERNELS).describe());
    ArrayNode seconds = run.putArray("roundSeconds");
    rounds.forEach(r -> seconds.add(r.seconds()));
    return m;
  }
}

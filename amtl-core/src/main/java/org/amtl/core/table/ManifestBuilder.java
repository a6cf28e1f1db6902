package org.amtl.core.table;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.config.Redaction;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.metrics.BucketedAuc;
import org.amtl.core.metrics.EvalSummary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.Storage;
import org.amtl.core.train.RoundStats;

/**
 * Builds a run's {@value TableFormat#MANIFEST} (docs/table-format.md) from the trained model, its configuration,
 * the per-round figures, the test evaluation and the facts of the run; {@link Manifest} writes, reads and verifies
 * it. Configuration values and paths pass {@link Redaction}.
 */
public final class ManifestBuilder {
  /**
   * What the manifest records besides the model: the run id, the input paths (empty for a generated log) and rows,
   * whether each field is a list of values, the hot-start table (empty for none) and the start time.
   */
  public record RunFacts(String runId, List<String> inputPaths, long trainRows, long testRows,
      List<Boolean> listFields, String hotStart, long startedAtMillis) {}

  private ManifestBuilder() {}

  /** The manifest of a run, without its {@code files} list and finishing time, which the publisher adds. */
  public static ObjectNode build(CtrModel model, AmtlConfig config, List<RoundStats> rounds, EvalSummary test,
      BucketedAuc perBucket, RunFacts facts) {
    ObjectNode m = Manifest.JSON.createObjectNode();
    m.putObject("format").put("name", TableFormat.NAME).put("version", TableFormat.VERSION);
    Storage storage = model.storage();
    m.putObject("model")
        .put("embedding", config.get(Keys.EMBEDDING).name().toLowerCase(java.util.Locale.ROOT))
        .put("head", config.get(Keys.HEAD).name().toLowerCase(java.util.Locale.ROOT))
        .put("maxDim", model.dim())
        .put("denseParameters", storage.denseFloats());
    ArrayNode fields = m.putArray("fields");
    int[][] kept = model.keptDims();
    long rows = 0;
    for (int f = 0; f < model.numFields(); f++) {
      FieldVocabulary fv = model.vocabulary().field(f);
      ObjectNode e = fields.addObject();
      e.put("name", fv.name()).put("list", facts.listFields().get(f)).put("rows", fv.rows())
          .put("vocabulary", fv.size()).put("keptFloats", storage.keptFloats()[f])
          .put("fixedFloats", storage.fixedFloats()[f]);
      int[] histogram = new int[model.dim() + 1];
      for (int k : kept[f]) {
        histogram[k]++;
      }
      ObjectNode h = e.putObject("dimHistogram");
      for (int d = 1; d < histogram.length; d++) {
        if (histogram[d] > 0) {
          h.put(Integer.toString(d), histogram[d]);
        }
      }
      rows += fv.rows();
    }
    m.putObject("storage")
        .put("keptFloats", storage.totalKept())
        .put("fixedFloats", storage.totalFixed())
        .put("ratio", storage.ratio())
        // floats, plus one byte of dim per row where dims vary (not for fixed-size tables)
        .put("keptBytes", storage.totalKept() * 4 + (config.get(Keys.EMBEDDING).dimPerRow() ? rows : 0))
        .put("fixedBytes", storage.totalFixed() * 4);
    ObjectNode metrics = m.putObject("metrics");
    metrics.putObject("test").put("auc", test.auc()).put("logloss", test.logloss())
        .put("calibration", test.calibration()).put("examples", test.count());
    ObjectNode byBucket = metrics.putObject("aucByFrequencyBucket");
    for (int f = 0; f < model.numFields(); f++) {
      ObjectNode fieldNode = byBucket.putObject(model.vocabulary().field(f).name());
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
    if (facts.hotStart().isEmpty()) {
      m.putNull("hotStart");
    } else {
      m.putObject("hotStart").put("path", Redaction.redactUris(facts.hotStart()));
    }
    ObjectNode run = m.putObject("run");
    run.put("runId", facts.runId()).put("startedAtMillis", facts.startedAtMillis());
    ArrayNode seconds = run.putArray("roundSeconds");
    rounds.forEach(r -> seconds.add(r.seconds()));
    return m;
  }
}

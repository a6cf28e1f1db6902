package org.amtl.spark;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.model.Storage;
import org.amtl.core.table.Manifest;
import org.amtl.core.table.TableFormat;
import org.amtl.core.table.TableWriter;
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
final class ExportStage {
  /** What the manifest records besides the model. */
  record RunFacts(String runId, List<String> inputPaths, long trainRows, long testRows, List<FieldSpec> fields,
      String hotStart, long startedAtMillis) {}

  private ExportStage() {}

  /** Fails when the output root equals or lies inside an input path (a run would overwrite its own input). */
  static void checkOutsideInputs(AmtlConfig config, Configuration conf) throws IOException {
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
            + "' (config key '"
            + Keys.INPUT_PATHS.name() + "'); expected an output outside every input");
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

  static Path publish(CtrModel model, AmtlConfig config, List<TrainStage.RoundStats> rounds, EvalStage.Result eval,
      RunFacts facts, Configuration conf) throws IOException {
    RunFolders folders = new RunFolders(new Path(config.get(Keys.OUTPUT_PATH)), facts.runId(), conf);
    Path tmp = folders.freshTemporary();
    FileSystem fs = tmp.getFileSystem(conf);
    try {
      List<String> files = new ArrayList<>(TableWriter.write(model, tmp, conf));
      files.addAll(Report.write(fs, tmp, model, rounds, eval, config.getInt(Keys.FREQUENCY_BUCKETS)));
      ObjectNode manifest = manifest(model, config, rounds, eval, facts);
      manifest.set("files", Manifest.fileEntries(fs, tmp, files));
      manifest.with("run").put("finishedAtMillis", System.currentTimeMillis());
      folders.publish(tmp, folder -> {
        Manifest.write(manifest, folder, conf);
        fs.create(new Path(folder, TableFormat.SUCCESS), true).close();
      }, config.getBoolean(Keys.OUTPUT_OVERWRITE));
      return folders.target();
    } finally {
      if (fs.exists(tmp)) {
        fs.delete(tmp, true);
      }
    }
  }

  static ObjectNode manifest(CtrModel model, AmtlConfig config, List<TrainStage.RoundStats> rounds,
      EvalStage.Result eval, RunFacts facts) {
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
      e.put("name", fv.name()).put("list", facts.fields().get(f).list()).put("rows", fv.rows())
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
        .put("keptBytes", storage.totalKept() * 4 + (config.get(Keys.EMBEDDING) == EmbeddingVariant.FBE ? 0 : rows))
        .put("fixedBytes", storage.totalFixed() * 4);
    ObjectNode metrics = m.putObject("metrics");
    metrics.putObject("test").put("auc", eval.summary().auc()).put("logloss", eval.summary().logloss())
        .put("calibration", eval.summary().calibration()).put("examples", eval.summary().count());
    ObjectNode byBucket = metrics.putObject("aucByFrequencyBucket");
    for (int f = 0; f < model.numFields(); f++) {
      ObjectNode fieldNode = byBucket.putObject(model.vocabulary().field(f).name());
      for (int b = 0; b < eval.perBucket().buckets(); b++) {
        long n = eval.perBucket().count(f, b);
        if (n > 0) {
          double auc = eval.perBucket().auc(f, b);
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
    for (TrainStage.RoundStats r : rounds) {
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

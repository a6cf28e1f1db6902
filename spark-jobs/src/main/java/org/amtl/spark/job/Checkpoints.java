package org.amtl.spark.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Redaction;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.ModelState;
import org.amtl.core.model.StateStreams;
import org.amtl.core.table.Manifest;
import org.amtl.core.train.RoundStats;
import org.amtl.spark.io.InputStage;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Round checkpoints on the output filesystem, so a rerun with the same run id resumes where a killed driver
 * stopped. The folder {@code <output.path>/.<runId>.checkpoint/} holds {@code state-<round>.bin} (the full model
 * state after that round) and {@code progress-<round>.json} (the round, the per-round figures, and a fingerprint of
 * the configuration and input). No file is ever rewritten in place: a checkpoint's progress file is a new file,
 * written after its state file, and the previous checkpoint's files are deleted only once both are complete. A
 * resume takes the newest progress file that reads whole, so a kill at any point, even one that leaves a
 * progress file cut short, leaves the previous checkpoint in force.
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final java.util.regex.Pattern PROGRESS =
      java.util.regex.Pattern.compile("progress-(\\d{1,9})\\.json");

  /**
   * A checkpoint that can be resumed: rounds done, their figures, and the state after the last one; with sharded
   * rows, the state is the dense part's and {@code rowFiles} are the shards' files ({@link ShardFiles}), in shard
   * order (empty otherwise).
   */
  record Resume(int roundsDone, List<RoundStats> stats, ModelState state, List<String> rowFiles) {}

  private final Path dir;
  private final Configuration conf;
  private final String fingerprint;

  public Checkpoints(Path outputRoot, String runId, String fingerprint, Configuration conf) {
    this.dir = new Path(outputRoot, "." + runId + ".checkpoint");
    this.conf = conf;
    this.fingerprint = fingerprint;
  }

  /** What a checkpoint must match to be resumed: the configuration, the input and the data layout. */
  public static String fingerprint(AmtlConfig config, InputStage.Input input, long[] trainCounts, Vocabulary vocab) {
    StringBuilder sb = configLines(config, new StringBuilder());
    sb.append(input.paths()).append(java.util.Arrays.toString(trainCounts));
    vocab.fields().forEach(f -> sb.append(f.name()).append(':').append(java.util.Arrays.hashCode(f.counts())));
    return sha256(sb);
  }

  /**
   * The fingerprint of a run with sharded rows, whose driver has the fields' statistics, not their counts; the
   * shard count is part of the configuration.
   */
  public static String fingerprint(AmtlConfig config, InputStage.Input input, long[] trainCounts,
      List<org.amtl.core.data.FieldStats> stats, int shards) {
    StringBuilder sb = configLines(config, new StringBuilder("sharded ").append(shards).append('\n'));
    sb.append(input.paths()).append(java.util.Arrays.toString(trainCounts)).append(stats);
    return sha256(sb);
  }

  /** Every resolved key=value line, sorted by key, appended to {@code sb}. */
  private static StringBuilder configLines(AmtlConfig config, StringBuilder sb) {
    java.util.Properties resolved = config.toProperties();
    new java.util.TreeSet<>(resolved.stringPropertyNames()).forEach(k -> sb.append(k).append('=')
        .append(resolved.getProperty(k)).append('\n'));
    return sb;
  }

  private static String sha256(StringBuilder sb) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The last checkpoint of this run, if one exists for the same configuration and input. */
  Optional<Resume> load() throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    if (!fs.exists(dir)) {
      return Optional.empty();
    }
    List<FileStatus> progressFiles = new ArrayList<>(List.of(fs.listStatus(dir, p -> roundOf(p) >= 0)));
    progressFiles.sort((a, b) -> Integer.compare(roundOf(b.getPath()), roundOf(a.getPath()))); // newest first
    for (FileStatus f : progressFiles) {
      JsonNode p;
      try (InputStream in = fs.open(f.getPath())) {
        p = Manifest.JSON.readTree(in);
      } catch (IOException e) { // cut short by a kill while it was written: the one before is in force
        p = null;
      }
      if (p == null || !p.path("state").isTextual()) {
        LOG.warn("checkpoint progress {} is incomplete; trying the one before", f.getPath().getName());
        continue;
      }
      if (!fingerprint.equals(p.path("fingerprint").asText())) {
        LOG.warn("checkpoint {} belongs to another configuration or input; starting from scratch",
            Redaction.redactUris(dir.toString()));
        fs.delete(dir, true);
        return Optional.empty();
      }
      ModelState state;
      try (DataInputStream in = new DataInputStream(fs.open(new Path(dir, p.path("state").asText())))) {
        state = ModelState.read(in);
      }
      List<RoundStats> stats = new ArrayList<>();
      for (JsonNode r : p.path("rounds")) {
        stats.add(new RoundStats(r.path("round").asInt(), r.path("trainLoss").asDouble(),
            r.path("examples").asLong(), r.path("seconds").asDouble(), number(r.path("testAuc")),
            number(r.path("testLogloss"))));
      }
      List<String> rowFiles = new ArrayList<>();
      p.path("rows").forEach(n -> rowFiles.add(new Path(dir, n.asText()).toString()));
      LOG.info("resuming run from checkpoint {} after round {}", Redaction.redactUris(dir.toString()),
          p.path("roundsDone").asInt());
      return Optional.of(new Resume(p.path("roundsDone").asInt(), stats, state, List.copyOf(rowFiles)));
    }
    return Optional.empty();
  }

  /** The round of a {@code progress-<round>.json} file, or -1 for any other file. */
  private static int roundOf(Path file) {
    java.util.regex.Matcher m = PROGRESS.matcher(file.getName());
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** Saves the model's state after {@code roundsDone} rounds (streamed from its arrays) with the figures so far. */
  void save(int roundsDone, CtrModel model, List<RoundStats> stats) throws IOException {
    String stateName = writeState(roundsDone, out -> new StateStreams().write(model, false, out));
    commit(roundsDone, stateName, List.of(), stats);
  }

  /**
   * Saves a run with sharded rows after {@code roundsDone} rounds: the driver's dense state, and each shard's rows
   * in a file of its own, written by the shard's task under {@code rows-<round>/}; returns those files.
   */
  List<String> saveSharded(int roundsDone, ModelState dense,
      org.apache.spark.api.java.JavaRDD<RowBlock> rows, List<RoundStats> stats) throws IOException {
    String stateName = writeState(roundsDone, dense::write);
    String rowsName = "rows-" + roundsDone;
    List<String> files = ShardFiles.save(rows, new Path(dir, rowsName), conf);
    commit(roundsDone, stateName, files.stream().map(f -> rowsName + "/" + new Path(f).getName()).toList(), stats);
    return files;
  }

  Configuration conf() {
    return conf;
  }

  private interface StateWriter {
    void write(DataOutputStream out) throws IOException;
  }

  private String writeState(int roundsDone, StateWriter writer) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    String stateName = "state-" + roundsDone + ".bin";
    try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
        fs.create(new Path(dir, stateName), true), 1 << 16))) {
      writer.write(out);
    }
    return stateName;
  }

  /** Writes the progress file, the checkpoint's commit point, then deletes the checkpoints before it. */
  private void commit(int roundsDone, String stateName, List<String> rowFiles, List<RoundStats> stats)
      throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    ObjectNode p = Manifest.JSON.createObjectNode();
    p.put("fingerprint", fingerprint).put("roundsDone", roundsDone).put("state", stateName);
    if (!rowFiles.isEmpty()) {
      ArrayNode rows = p.putArray("rows");
      rowFiles.forEach(rows::add);
    }
    ArrayNode rounds = p.putArray("rounds");
    for (RoundStats s : stats) {
      ObjectNode r = rounds.addObject().put("round", s.round()).put("trainLoss", s.trainLoss())
          .put("examples", s.examples()).put("seconds", s.seconds());
      if (!Double.isNaN(s.testAuc())) {
        r.put("testAuc", s.testAuc()).put("testLogloss", s.testLogloss());
      }
    }
    String progressName = "progress-" + roundsDone + ".json";
    try (OutputStream out = fs.create(new Path(dir, progressName), true)) {
      Manifest.JSON.writeValue(out, p);
    }
    String rowsName = "rows-" + roundsDone;
    for (FileStatus f : fs.listStatus(dir)) { // the checkpoints before this one, now that it is complete
      String n = f.getPath().getName();
      if ((n.startsWith("state-") || n.startsWith("progress-") || n.startsWith("rows-")) && !n.equals(stateName)
          && !n.equals(progressName) && !n.equals(rowsName)) {
        fs.delete(f.getPath(), true);
      }
    }
  }

  /** Removes the checkpoints once the run is published. */
  public void clear() throws IOException {
    dir.getFileSystem(conf).delete(dir, true);
  }

  private static double number(JsonNode n) {
    return n.isNumber() ? n.asDouble() : Double.NaN;
  }
}

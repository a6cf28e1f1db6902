package org.amtl.spark;

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
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.ModelState;
import org.amtl.core.model.StateStreams;
import org.amtl.core.table.Manifest;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Round checkpoints on the output filesystem, so a rerun with the same run id resumes where a killed driver
 * stopped. The folder {@code <output.path>/.<runId>.checkpoint/} holds {@code state-<round>.bin} (the full model
 * state after that round) and {@code progress.json} (the round, the per-round figures, and a fingerprint of the
 * configuration and input). progress.json is written after its state file and names it, so a crash between the
 * two leaves the previous, complete checkpoint in force; older state files are deleted only after that.
 */
final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final String PROGRESS = "progress.json";

  /** A checkpoint that can be resumed: rounds done, their figures, and the state after the last one. */
  record Resume(int roundsDone, List<TrainStage.RoundStats> stats, ModelState state) {}

  private final Path dir;
  private final Configuration conf;
  private final String fingerprint;

  Checkpoints(Path outputRoot, String runId, String fingerprint, Configuration conf) {
    this.dir = new Path(outputRoot, "." + runId + ".checkpoint");
    this.conf = conf;
    this.fingerprint = fingerprint;
  }

  /** The last checkpoint of this run, if one exists for the same configuration and input. */
  Optional<Resume> load() throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    Path progress = new Path(dir, PROGRESS);
    if (!fs.exists(progress)) {
      return Optional.empty();
    }
    JsonNode p;
    try (InputStream in = fs.open(progress)) {
      p = Manifest.JSON.readTree(in);
    }
    if (!fingerprint.equals(p.path("fingerprint").asText())) {
      LOG.warn("checkpoint {} belongs to another configuration or input; starting from scratch", dir);
      fs.delete(dir, true);
      return Optional.empty();
    }
    ModelState state;
    try (DataInputStream in = new DataInputStream(fs.open(new Path(dir, p.path("state").asText())))) {
      state = ModelState.read(in);
    }
    List<TrainStage.RoundStats> stats = new ArrayList<>();
    for (JsonNode r : p.path("rounds")) {
      stats.add(new TrainStage.RoundStats(r.path("round").asInt(), r.path("trainLoss").asDouble(),
          r.path("examples").asLong(), r.path("seconds").asDouble(), number(r.path("testAuc")),
          number(r.path("testLogloss"))));
    }
    LOG.info("resuming run from checkpoint {} after round {}", dir, p.path("roundsDone").asInt());
    return Optional.of(new Resume(p.path("roundsDone").asInt(), stats, state));
  }

  /** Saves the model's state after {@code roundsDone} rounds (streamed from its arrays) with the figures so far. */
  void save(int roundsDone, CtrModel model, List<TrainStage.RoundStats> stats) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    String stateName = "state-" + roundsDone + ".bin";
    try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
        fs.create(new Path(dir, stateName), true), 1 << 16))) {
      new StateStreams().write(model, false, out);
    }
    ObjectNode p = Manifest.JSON.createObjectNode();
    p.put("fingerprint", fingerprint).put("roundsDone", roundsDone).put("state", stateName);
    ArrayNode rounds = p.putArray("rounds");
    for (TrainStage.RoundStats s : stats) {
      ObjectNode r = rounds.addObject().put("round", s.round()).put("trainLoss", s.trainLoss())
          .put("examples", s.examples()).put("seconds", s.seconds());
      if (!Double.isNaN(s.testAuc())) {
        r.put("testAuc", s.testAuc()).put("testLogloss", s.testLogloss());
      }
    }
    try (OutputStream out = fs.create(new Path(dir, PROGRESS), true)) {
      Manifest.JSON.writeValue(out, p);
    }
    for (FileStatus f : fs.listStatus(dir)) {
      String n = f.getPath().getName();
      if (n.startsWith("state-") && !n.equals(stateName)) {
        fs.delete(f.getPath(), false);
      }
    }
  }

  /** Removes the checkpoints once the run is published. */
  void clear() throws IOException {
    dir.getFileSystem(conf).delete(dir, true);
  }

  private static double number(JsonNode n) {
    return n.isNumber() ? n.asDouble() : Double.NaN;
  }
}

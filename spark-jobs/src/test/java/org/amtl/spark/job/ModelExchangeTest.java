package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.ModelState;
import org.amtl.core.train.LocalTrainer;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model's way between the driver and the tasks: a folder, written and read in the model state's layout. */
class ModelExchangeTest {
  private static final AmtlConfig CONFIG = AmtlConfig.defaults().with(Keys.DIM, 8).with(Keys.HIDDEN, new int[] {16});

  @TempDir
  Path dir;

  private static byte[] bytes(ModelState s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.write(new DataOutputStream(out));
    return out.toByteArray();
  }

  /** What a closure does to the handle: Java serialization, as Spark ships tasks. */
  private static ModelExchange.Published shipped(ModelExchange.Published p) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(b)) {
      out.writeObject(p);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b.toByteArray()))) {
      return (ModelExchange.Published) in.readObject();
    }
  }

  @Test
  void aRoundTripsThroughTheFolderAndLeavesNothing() throws Exception {
    List<SyntheticClickLog.Row> rows = new SyntheticClickLog(4, 300, 1.1, 8, 3.0, 5).generate(2000, 1, "x");
    Vocabulary vocab = SyntheticClickLog.vocabulary(rows, 4, 1);
    CtrModel driver = new CtrModel(CONFIG, vocab);
    new LocalTrainer(driver, 64).train(SyntheticClickLog.encode(rows.subList(0, 1000), vocab).iterator(), null);
    Path folder = dir.resolve(".run.rounds");
    Files.createDirectories(folder.resolve("round-0"));
    Files.writeString(folder.resolve("round-0/part-0-1.bin"), "left by a killed run");
    ModelExchange exchange = new ModelExchange(new org.apache.hadoop.fs.Path(folder.toUri()), new Configuration());
    assertFalse(Files.exists(folder.resolve("round-0")), "a new exchange starts empty");

    ModelExchange.Published state = shipped(exchange.publish(driver, 3));
    CtrModel worker = new CtrModel(CONFIG.with(Keys.SEED, 99L), vocab);
    state.loadInto(worker);
    assertArrayEquals(bytes(driver.snapshot()), bytes(worker.snapshot()), "the task's copy equals the driver's");

    worker.clearTouched();
    new LocalTrainer(worker, 64).train(SyntheticClickLog.encode(rows.subList(1000, 1100), vocab).iterator(), null);
    String result = state.exchange().writeTouched(worker, 3, 1, 42);
    assertTrue(result.endsWith("round-3/part-1-42.bin"), result);
    assertArrayEquals(bytes(worker.snapshotTouched()), bytes(exchange.readResult(result)));

    org.amtl.core.metrics.EvalSummary summary = new org.amtl.core.metrics.EvalSummary()
        .add(new float[] {0.2f, 0.9f, 0.4f}, new float[] {0, 1, 1}, 3);
    String part = state.exchange().writePart("eval-3", 2, 7, EvalPart::write,
        new EvalPart(2, summary, new org.amtl.core.metrics.BucketedAuc(2, 24)));
    EvalPart back = exchange.readPart(part, EvalPart::read);
    assertEquals(2, back.partition());
    assertEquals(summary.auc(), back.summary().auc());
    assertEquals(summary.logloss(), back.summary().logloss());
    exchange.remove("eval-3");
    assertFalse(Files.exists(folder.resolve("eval-3")));

    exchange.publish(driver, 4);
    assertFalse(Files.exists(folder.resolve("model-3.bin")), "only the latest state is kept");
    exchange.endRound(3);
    assertFalse(Files.exists(folder.resolve("round-3")));
    exchange.clear();
    assertFalse(Files.exists(folder));
  }

  @Test
  void aStateNoWorkerCanReachIsNamedWithTheWayOut() throws Exception {
    List<SyntheticClickLog.Row> rows = new SyntheticClickLog(2, 50, 1.1, 8, 3.0, 5).generate(200, 1, "y");
    Vocabulary vocab = SyntheticClickLog.vocabulary(rows, 2, 1);
    CtrModel model = new CtrModel(CONFIG, vocab);
    ModelExchange exchange = new ModelExchange(new org.apache.hadoop.fs.Path(dir.resolve("x").toUri()),
        new Configuration());
    ModelExchange.Published state = exchange.publish(model, 0);
    Files.delete(Path.of(new java.net.URI(state.path())));
    IOException e = assertThrows(IOException.class, () -> state.loadInto(model));
    assertTrue(e.getMessage().contains(state.path()) && e.getMessage().contains("output.path"), e.getMessage());

    Files.writeString(Path.of(new java.net.URI(state.path())), "not a state");
    IOException bad = assertThrows(IOException.class, () -> state.loadInto(model));
    assertTrue(bad.getMessage().contains(state.path()), bad.getMessage());
  }
}

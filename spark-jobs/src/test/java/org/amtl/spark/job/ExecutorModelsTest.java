package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.CtrModel;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An executor's training copies: one per task at once, whichever threads the tasks run on. */
class ExecutorModelsTest {
  private static final AmtlConfig CONFIG = AmtlConfig.defaults().with(Keys.DIM, 8).with(Keys.HIDDEN, new int[] {16});

  @TempDir
  Path dir;

  @Test
  void copiesAreLeasedPerTaskAndPreferTheOneHoldingTheState() throws Exception {
    List<SyntheticClickLog.Row> rows = new SyntheticClickLog(3, 200, 1.1, 8, 3.0, 5).generate(500, 1, "x");
    Vocabulary vocab = SyntheticClickLog.vocabulary(rows, 3, 1).countsOnly();
    CtrModel driver = new CtrModel(CONFIG, vocab);
    ModelExchange exchange = new ModelExchange(new org.apache.hadoop.fs.Path(dir.toUri()), new Configuration());
    ModelExchange.Published first = exchange.publish(driver, 1);
    Map<String, String> config = ExecutorModels.ship(CONFIG);
    long job = 4242L; // a broadcast id no other test uses: the leases below start from no free copy

    ExecutorModels.Lease a = ExecutorModels.holding(job, config, vocab, first);
    ExecutorModels.Lease b = ExecutorModels.holding(job, config, vocab, first);
    assertNotSame(a.model(), b.model(), "two tasks at once: two copies");
    a.close();
    b.changing(); // b trains: it no longer holds the first state
    b.close();
    a.close(); // closing twice gives it back once
    assertEquals(2, ExecutorModels.free());

    CtrModel[] seen = new CtrModel[3];
    Thread other = new Thread(() -> { // another thread, one task after the other: the same copies
      try (ExecutorModels.Lease c = ExecutorModels.holding(job, config, vocab, first)) {
        seen[0] = c.model();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    });
    other.start();
    other.join();
    assertSame(a.model(), seen[0], "the copy that holds the state asked for");
    ModelExchange.Published second = exchange.publish(driver, 2); // the next round's state
    try (ExecutorModels.Lease d = ExecutorModels.holding(job, config, vocab, second)) {
      seen[1] = d.model();
      try (ExecutorModels.Lease e = ExecutorModels.holding(job, config, vocab, second)) {
        seen[2] = e.model();
      }
    }
    assertEquals(2, ExecutorModels.free(), "no third copy");
    assertNotSame(seen[1], seen[2]);

    try (ExecutorModels.Lease f = ExecutorModels.holding(job + 1, config, vocab, second)) {
      assertEquals(0, ExecutorModels.free(), "another job's copies are dropped");
      assertNotSame(a.model(), f.model());
    }
  }
}

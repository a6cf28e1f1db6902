package org.amtl.spark.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.CtrModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's training copies of the model, reused across rounds: building a model allocates every table, so a
 * task leases a copy, loads the round's state into it and gives it back when done. Loading replaces all dense
 * values, optimizer state and rows, so reuse cannot leak anything from one round into the next. A copy remembers
 * which published state it holds unchanged, and a lease prefers a copy that holds the state asked for, so an
 * evaluation and the next round's training read it once. Copies belong to the executor, not to a thread: Spark
 * starts a new task thread whenever a task begins before the last one's thread is back in its pool, and a copy per
 * thread would grow with those; leases keep them at the most tasks that ever ran at once.
 */
public final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private record Key(long vocabBroadcast, Map<String, String> config) {}

  private static final List<Lease> FREE = new ArrayList<>(); // guarded by ExecutorModels.class
  private static Key current; // the job and vocabulary the free copies belong to

  private ExecutorModels() {}

  /** A training copy in one task's hands; closing it gives it back. */
  static final class Lease implements AutoCloseable {
    private final Key key;
    private final CtrModel model;
    private String holds; // the key of the published state the copy holds unchanged, or null

    private Lease(Key key, CtrModel model) {
      this.key = key;
      this.model = model;
    }

    CtrModel model() {
      return model;
    }

    /** The copy is about to change (training): it no longer holds the state it loaded. */
    void changing() {
      holds = null;
    }

    @Override
    public void close() {
      giveBack(this);
    }
  }

  /**
   * A copy holding {@code state}: a free one that holds it already, else a free one loaded with it, else a new
   * one. Call {@link Lease#changing()} before changing the model, and close the lease when the task is done.
   */
  static Lease holding(long vocabBroadcast, Map<String, String> config, Vocabulary vocab,
      ModelExchange.Published state) throws IOException {
    Key key = new Key(vocabBroadcast, config);
    Lease lease = take(key, state.key());
    if (lease == null) {
      lease = new Lease(key, new CtrModel(toConfig(config), vocab));
      DenseKernels.log(LOG, lease.model.config().get(org.amtl.core.config.Keys.KERNELS),
          "in the model built on " + Thread.currentThread().getName());
    }
    if (!state.key().equals(lease.holds)) {
      lease.holds = null; // a load that fails part way leaves the copy partly loaded
      try {
        state.loadInto(lease.model);
      } catch (IOException | RuntimeException e) {
        lease.close();
        throw e;
      }
      lease.holds = state.key();
    }
    return lease;
  }

  // a free copy of this job's model, one that holds stateKey if there is one; null when none is free
  private static synchronized Lease take(Key key, String stateKey) {
    if (!key.equals(current)) { // a new job or vocabulary: drop the old copies
      FREE.clear();
      current = key;
    }
    if (FREE.isEmpty()) {
      return null;
    }
    int pick = FREE.size() - 1;
    for (int i = 0; i < FREE.size(); i++) {
      if (stateKey.equals(FREE.get(i).holds)) {
        pick = i;
        break;
      }
    }
    return FREE.remove(pick);
  }

  private static synchronized void giveBack(Lease lease) {
    if (lease.key.equals(current) && !FREE.contains(lease)) {
      FREE.add(lease);
    }
  }

  /** The copies free now (for tests). */
  static synchronized int free() {
    return FREE.size();
  }

  /** The explicit values of a configuration, as a serializable map for closures. */
  public static HashMap<String, String> ship(AmtlConfig config) {
    return new HashMap<>(config.explicitValues());
  }

  static AmtlConfig toConfig(Map<String, String> shipped) {
    Properties p = new Properties();
    p.putAll(shipped);
    return AmtlConfig.defaults().withAll(p);
  }
}

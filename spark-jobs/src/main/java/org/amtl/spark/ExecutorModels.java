package org.amtl.spark;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.layers.Gemm;
import org.amtl.core.model.CtrModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model per executor thread, reused across rounds: building a model allocates every table, so a task only
 * loads the round's state into the cached one. Loading replaces all dense values, optimizer state and rows, so
 * reuse cannot leak anything from one round into the next. The cache remembers which published state its model
 * holds unchanged, so an evaluation and the next round's training on the same thread read it once.
 */
final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private record Key(long vocabBroadcast, Map<String, String> config) {}

  private static final ThreadLocal<Map<Key, CtrModel>> CACHE = ThreadLocal.withInitial(HashMap::new);
  /** The key of the published state the thread's model holds unchanged, or null. */
  private static final ThreadLocal<String> HOLDS = new ThreadLocal<>();

  private ExecutorModels() {}

  static CtrModel get(long vocabBroadcast, Map<String, String> config, Vocabulary vocab) {
    Map<Key, CtrModel> cache = CACHE.get();
    Key key = new Key(vocabBroadcast, config);
    CtrModel model = cache.get(key);
    if (model == null) {
      cache.clear(); // a new job or vocabulary: drop the old skeleton
      HOLDS.remove();
      model = new CtrModel(toConfig(config), vocab);
      LOG.info("model built on {}; dense layers: {}", Thread.currentThread().getName(), Gemm.implementation());
      cache.put(key, model);
    }
    return model;
  }

  /**
   * The thread's model holding {@code state}: loaded from storage unless it already holds it unchanged. Call
   * {@link #changing()} before changing the model.
   */
  static CtrModel holding(long vocabBroadcast, Map<String, String> config, Vocabulary vocab,
      ModelExchange.Published state) throws java.io.IOException {
    CtrModel model = get(vocabBroadcast, config, vocab);
    if (!state.key().equals(HOLDS.get())) {
      HOLDS.remove(); // a load that fails part way leaves the model partly loaded
      state.loadInto(model);
      HOLDS.set(state.key());
    }
    return model;
  }

  /** The thread's model is about to change (training): it no longer holds the state it loaded. */
  static void changing() {
    HOLDS.remove();
  }

  /** The explicit values of a configuration, as a serializable map for closures. */
  static HashMap<String, String> ship(AmtlConfig config) {
    return new HashMap<>(config.explicitValues());
  }

  static AmtlConfig toConfig(Map<String, String> shipped) {
    Properties p = new Properties();
    p.putAll(shipped);
    return AmtlConfig.defaults().withAll(p);
  }
}

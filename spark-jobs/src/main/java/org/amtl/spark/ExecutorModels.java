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
 * One model skeleton per executor thread, reused across rounds: building a model allocates every table, so a
 * task only loads the broadcast state into the cached one. Loading replaces all dense values, optimizer state and
 * rows, so reuse cannot leak anything from one round into the next.
 */
final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private record Key(long vocabBroadcast, Map<String, String> config) {}

  private static final ThreadLocal<Map<Key, CtrModel>> CACHE = ThreadLocal.withInitial(HashMap::new);

  private ExecutorModels() {}

  static CtrModel get(long vocabBroadcast, Map<String, String> config, Vocabulary vocab) {
    Map<Key, CtrModel> cache = CACHE.get();
    Key key = new Key(vocabBroadcast, config);
    CtrModel model = cache.get(key);
    if (model == null) {
      cache.clear(); // a new job or vocabulary: drop the old skeleton
      model = new CtrModel(toConfig(config), vocab);
      LOG.info("model built on {}; dense layers: {}", Thread.currentThread().getName(), Gemm.implementation());
      cache.put(key, model);
    }
    return model;
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

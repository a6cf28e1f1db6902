package org.amtl.core.optim;

import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;

/** A model's two optimizers as its configuration sets them: the dense block's (Adam or SGD) and the rows' Adagrad. */
public record Optimizers(DenseOptimizer dense, Adagrad rows) {
  /** The optimizers of {@code optim.*} for a dense block of {@code denseSize} parameters. */
  public static Optimizers of(AmtlConfig config, int denseSize) {
    DenseOptimizer dense = switch (config.get(Keys.DENSE_OPTIMIZER)) {
      case ADAM -> new Adam(denseSize, config.getDouble(Keys.DENSE_LR), config.getDouble(Keys.DENSE_BETA1),
          config.getDouble(Keys.DENSE_BETA2), config.getDouble(Keys.DENSE_EPSILON), config.getDouble(Keys.DENSE_L2));
      case SGD -> new Sgd(config.getDouble(Keys.DENSE_LR), config.getDouble(Keys.DENSE_L2));
    };
    return new Optimizers(dense, new Adagrad(config.getDouble(Keys.EMB_LR), config.getDouble(Keys.EMB_EPSILON),
        config.getDouble(Keys.EMB_L2)));
  }
}

package org.amtl.core.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.layers.DenseParams;
import org.amtl.core.layers.FmInteraction;
import org.amtl.core.layers.Mlp;

/** The CTR network on top of the field embeddings: the registry of heads, each building its {@link Head}. */
public enum HeadType {
  /** MLP over the concatenated embeddings. */
  DNN("MLP") {
    @Override
    Head create(DenseParams params, Vocabulary vocabulary, int dim, int[] hidden, long seed) {
      return new DnnHead(mlp(params, vocabulary.numFields() * dim, hidden));
    }
  },
  /** First-order weights + FM second-order term + MLP. */
  DEEPFM("first order + FM + MLP") {
    @Override
    Head create(DenseParams params, Vocabulary vocabulary, int dim, int[] hidden, long seed) {
      FirstOrderWeights firstOrder = new FirstOrderWeights(vocabulary, seed);
      return new DeepFmHead(mlp(params, vocabulary.numFields() * dim, hidden), firstOrder,
          new FmInteraction(vocabulary.numFields(), dim));
    }
  },
  /** Linear (wide) weights + MLP (deep). */
  WIDEDEEP("linear + MLP") {
    @Override
    Head create(DenseParams params, Vocabulary vocabulary, int dim, int[] hidden, long seed) {
      FirstOrderWeights wide = new FirstOrderWeights(vocabulary, seed);
      return new WideDeepHead(mlp(params, vocabulary.numFields() * dim, hidden), wide);
    }
  };

  private final String summary;

  HeadType(String summary) {
    this.summary = summary;
  }

  /** Every head with its summary, for the configuration reference: "dnn (MLP), deepfm (...), ...". */
  public static String describeAll() {
    return Arrays.stream(values()).map(h -> h.name().toLowerCase(Locale.ROOT) + " (" + h.summary + ")")
        .collect(Collectors.joining(", "));
  }

  /** Builds the head over {@code F * dim} embedded inputs; its MLP's parameters go into {@code params}. */
  abstract Head create(DenseParams params, Vocabulary vocabulary, int dim, int[] hidden, long seed);

  /** The MLP input -> hidden... -> 1 that every head has, its tensors named mlp.*. */
  static Mlp mlp(DenseParams params, int input, int[] hidden) {
    int[] widths = new int[hidden.length + 2];
    widths[0] = input;
    System.arraycopy(hidden, 0, widths, 1, hidden.length);
    widths[widths.length - 1] = 1;
    return new Mlp(params, "mlp", widths);
  }
}

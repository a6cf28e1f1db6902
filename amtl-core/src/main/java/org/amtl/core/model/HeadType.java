package org.amtl.core.model;

/** The CTR network on top of the field embeddings. */
public enum HeadType {
  /** MLP over the concatenated embeddings. */
  DNN,
  /** First-order weights + FM second-order term + MLP. */
  DEEPFM,
  /** Linear (wide) weights + MLP (deep). */
  WIDEDEEP
}

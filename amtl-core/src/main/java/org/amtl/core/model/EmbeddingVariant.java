package org.amtl.core.model;

/** How field values become vectors. */
public enum EmbeddingVariant {
  /** Fixed-size embeddings: every value keeps d dims. */
  FBE,
  /** Adaptively-masked twins-based layer: each value keeps a learned prefix of k_i dims. */
  AMTL,
  /** Mixed dimension embeddings: dims by frequency block, with projections to d. */
  MDE,
  /** AutoEmb: soft search over candidate dims, argmax kept. */
  AUTOEMB
}

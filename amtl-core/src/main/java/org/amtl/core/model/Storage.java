package org.amtl.core.model;

/**
 * Embedding storage in floats per field: what the pruned tables keep against fixed-size (FBE) tables of the same
 * vocabulary and d. Dense parameters (AMLs, projections, CTR network) are counted separately.
 */
public record Storage(long[] keptFloats, long[] fixedFloats, long denseFloats) {
  public long totalKept() {
    long s = 0;
    for (long v : keptFloats) {
      s += v;
    }
    return s;
  }

  public long totalFixed() {
    long s = 0;
    for (long v : fixedFloats) {
      s += v;
    }
    return s;
  }

  /** kept / fixed, over all fields. */
  public double ratio() {
    return (double) totalKept() / totalFixed();
  }
}

package org.amtl.core.data;

/**
 * One encoded example: a 0/1 label and, per field, the row ids of its value (one id, or a bag of ids for a
 * list field; an empty bag is stored as the OOV row).
 */
public record Example(float label, int[][] ids) {
  public Example {
    if (!(label == 0f || label == 1f)) {
      throw new IllegalArgumentException("label = " + label + " (expected 0 or 1)");
    }
  }

  /** An example with one id per field. */
  public static Example single(float label, int... ids) {
    int[][] bags = new int[ids.length][];
    for (int f = 0; f < ids.length; f++) {
      bags[f] = new int[] {ids[f]};
    }
    return new Example(label, bags);
  }
}

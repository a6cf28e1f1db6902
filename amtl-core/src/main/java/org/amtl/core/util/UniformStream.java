package org.amtl.core.util;

/**
 * A stream of uniform draws in which every element can be computed on its own: element {@code i} is the
 * {@code i}-th {@code nextDouble()} of a {@link java.util.SplittableRandom} seeded with {@code seed} (splitmix64:
 * the generator's state after {@code i + 1} steps is {@code seed + (i + 1) * gamma}, and a draw is that state
 * mixed). So a shard of an embedding table's rows starts from exactly the bits the whole table would give them,
 * whatever the shard count, and the values no longer depend on the JDK's implementation of that class.
 */
public final class UniformStream {
  private static final long GAMMA = 0x9E3779B97F4A7C15L;
  private static final double DOUBLE_UNIT = 0x1.0p-53;

  private final long seed;

  public UniformStream(long seed) {
    this.seed = seed;
  }

  /** Element {@code index}, uniform in [0, 1). */
  public double uniform(long index) {
    return (Seeds.mix(seed + (index + 1) * GAMMA) >>> 11) * DOUBLE_UNIT;
  }

  /**
   * Writes elements {@code first .. first + count - 1}, each mapped to {@code (u * 2 - 1) * scale} as a float
   * (uniform in (-scale, scale)), into {@code out} from {@code offset}.
   */
  public void fillSymmetric(float[] out, int offset, long first, int count, double scale) {
    long state = seed + first * GAMMA;
    for (int i = 0; i < count; i++) {
      state += GAMMA;
      out[offset + i] = (float) (((Seeds.mix(state) >>> 11) * DOUBLE_UNIT * 2 - 1) * scale);
    }
  }
}

package org.amtl.core.util;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Derives independent seeds from the configured seed and a name (a tensor, a worker, a round), so no code
 * ever writes a literal like {@code seed + i}.
 */
public final class Seeds {
  private Seeds() {}

  /** A seed for {@code name} under {@code seed}: stable across runs and JVMs. */
  public static long derive(long seed, String name) {
    long h = seed ^ 0x9E3779B97F4A7C15L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xff));
    }
    return mix(h);
  }

  /** A seed for the pair (name, index), e.g. a partition or a round. */
  public static long derive(long seed, String name, long index) {
    return mix(derive(seed, name) ^ mix(index + 0x632BE59BD9B4E019L));
  }

  public static SplittableRandom random(long seed, String name) {
    return new SplittableRandom(derive(seed, name));
  }

  /** splitmix64 finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

package org.amtl.core.model;

import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;

/**
 * What AMTL's masks do in each training round: the first {@code amtl.warmupRounds} rounds keep every dim and train
 * no AML (two stages: FBE first, then the masks learn on trained rows); from there the temperature goes from
 * {@code amtl.temperature} to {@code amtl.temperature.final} (when set) geometrically, reaching it in the last
 * round. Rounds count over the whole run: epochs x rounds per epoch.
 */
public record MaskSchedule(int warmupRounds, double temperature, double finalTemperature, int totalRounds) {

  public static MaskSchedule of(AmtlConfig config) {
    return new MaskSchedule(config.getInt(Keys.WARMUP_ROUNDS), config.getDouble(Keys.TEMPERATURE),
        config.getDouble(Keys.FINAL_TEMPERATURE), config.getInt(Keys.EPOCHS) * config.getInt(Keys.ROUNDS_PER_EPOCH));
  }

  /** Whether round {@code round} (0-based) is a warm-up round. */
  public boolean open(int round) {
    return round < warmupRounds;
  }

  /** Whether the storage target may steer after {@code roundsDone} rounds (0: before training): not in warm-up. */
  public boolean steers(int roundsDone) {
    return roundsDone >= warmupRounds;
  }

  /** The temperature of round {@code round} (0-based). */
  public double temperature(int round) {
    int annealed = totalRounds - warmupRounds - 1; // the masked rounds after the first
    if (finalTemperature == 0 || annealed <= 0 || round <= warmupRounds) {
      return temperature;
    }
    double progress = Math.min(1, (double) (round - warmupRounds) / annealed);
    return temperature * Math.pow(finalTemperature / temperature, progress);
  }
}

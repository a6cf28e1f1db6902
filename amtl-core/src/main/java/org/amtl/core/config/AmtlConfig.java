package org.amtl.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * An immutable set of values for the keys of {@link Keys}. Every construction path goes through
 * {@link #with(ConfigKey, Object)} or {@link #withRaw(String, String)}, which validate; unknown keys are errors.
 */
public final class AmtlConfig {
  private final Map<String, Object> values;

  private AmtlConfig(Map<String, Object> values) {
    this.values = values;
  }

  /** All defaults. */
  public static AmtlConfig defaults() {
    return new AmtlConfig(Collections.emptyMap());
  }

  /** Reads a .properties file; the error names the file on unknown or bad keys. */
  public static AmtlConfig load(Path file) throws IOException {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    }
    try {
      return defaults().withAll(props);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** This configuration with every entry of {@code props} applied, in key order. */
  public AmtlConfig withAll(Properties props) {
    AmtlConfig c = this;
    for (String name : new TreeMap<>(Map.copyOf(props)).keySet().stream().map(Object::toString).toList()) {
      c = c.withRaw(name, props.getProperty(name));
    }
    return c;
  }

  /** This configuration with one raw {@code key=value} override, e.g. from the command line. */
  public AmtlConfig withRaw(String name, String raw) {
    ConfigKey<?> key = Keys.all().get(name);
    if (key == null) {
      throw new IllegalArgumentException("unknown config key '" + name + "' (value '" + raw
          + "'); see docs/configuration.md for the keys");
    }
    return put(key, key.parse(raw));
  }

  /** This configuration with one typed value. */
  public <T> AmtlConfig with(ConfigKey<T> key, T value) {
    if (Keys.all().get(key.name()) != key) {
      throw new IllegalArgumentException("unknown config key '" + key.name() + "'");
    }
    return put(key, key.validate(value));
  }

  private AmtlConfig put(ConfigKey<?> key, Object value) {
    Map<String, Object> next = new LinkedHashMap<>(values);
    next.put(key.name(), value instanceof int[] a ? a.clone() : value instanceof List<?> l ? List.copyOf(l) : value);
    return new AmtlConfig(Collections.unmodifiableMap(next));
  }

  /**
   * Checks the rules that involve more than one key (each key alone was checked when set); call before using
   * the configuration. Returns this.
   */
  public AmtlConfig validate() {
    int dim = get(Keys.DIM);
    for (int c : get(Keys.AUTOEMB_CANDIDATES)) {
      if (get(Keys.EMBEDDING) == org.amtl.core.model.EmbeddingVariant.AUTOEMB && c > dim) {
        throw new IllegalArgumentException("config key '" + Keys.AUTOEMB_CANDIDATES.name() + "': candidate " + c
            + " is larger than " + Keys.DIM.name() + " = " + dim + " (expected candidates <= d)");
      }
    }
    if (get(Keys.BUDGET_TARGET_RATIO) > 0 && get(Keys.EMBEDDING) != org.amtl.core.model.EmbeddingVariant.AMTL) {
      throw new IllegalArgumentException("config key '" + Keys.BUDGET_TARGET_RATIO.name() + "' = "
          + get(Keys.BUDGET_TARGET_RATIO) + " steers AMTL masks, but " + Keys.EMBEDDING.name() + " = "
          + get(Keys.EMBEDDING).name().toLowerCase(java.util.Locale.ROOT) + " (expected amtl, or the target 0)");
    }
    boolean amtl = get(Keys.EMBEDDING) == org.amtl.core.model.EmbeddingVariant.AMTL;
    int rounds = get(Keys.EPOCHS) * get(Keys.ROUNDS_PER_EPOCH);
    if (get(Keys.WARMUP_ROUNDS) > 0 && (!amtl || get(Keys.WARMUP_ROUNDS) >= rounds)) {
      throw new IllegalArgumentException("config key '" + Keys.WARMUP_ROUNDS.name() + "' = "
          + get(Keys.WARMUP_ROUNDS) + " needs " + Keys.EMBEDDING.name() + " = amtl and fewer warm-up rounds than "
          + "the run's " + rounds + " (train.epochs x train.roundsPerEpoch); " + Keys.EMBEDDING.name() + " is "
          + get(Keys.EMBEDDING).name().toLowerCase(java.util.Locale.ROOT));
    }
    if (get(Keys.SPLIT_MODE) == Keys.SplitMode.TIME
        && (get(Keys.SPLIT_TIME_COLUMN).isEmpty() || get(Keys.SPLIT_TIME_CUTOFF).isEmpty())) {
      throw new IllegalArgumentException("config key '" + Keys.SPLIT_MODE.name() + "' = time needs '"
          + Keys.SPLIT_TIME_COLUMN.name() + "' and '" + Keys.SPLIT_TIME_CUTOFF.name() + "' (expected both set)");
    }
    return this;
  }

  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    Object v = values.get(key.name());
    T value = v == null ? key.defaultValue() : (T) v;
    return value instanceof int[] a ? (T) a.clone() : value;
  }

  public int getInt(ConfigKey<Integer> key) {
    return get(key);
  }

  public double getDouble(ConfigKey<Double> key) {
    return get(key);
  }

  public boolean getBoolean(ConfigKey<Boolean> key) {
    return get(key);
  }

  /** Every key with its resolved value, as .properties text would write it, in table order. */
  public Properties toProperties() {
    Properties p = new Properties();
    for (ConfigKey<?> key : Keys.all().values()) {
      p.setProperty(key.name(), key.format(get(key)));
    }
    return p;
  }

  /** Only the keys set explicitly, rendered as text. */
  public Map<String, String> explicitValues() {
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, Keys.all().get(k).format(v)));
    return out;
  }

  @Override
  public String toString() {
    return explicitValues().toString();
  }
}

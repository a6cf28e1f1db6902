package org.amtl.core.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One configuration key: name, type, default, documentation and validator.
 *
 * @param <T> the parsed value type
 */
public final class ConfigKey<T> {
  private final String name;
  private final String type;
  private final T defaultValue;
  private final String doc;
  private final Function<String, T> parser;
  private final Predicate<T> validator;
  private final String expected;

  private ConfigKey(String name, String type, T defaultValue, String doc, Function<String, T> parser,
      Predicate<T> validator, String expected) {
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.doc = doc;
    this.parser = parser;
    this.validator = validator;
    this.expected = expected;
  }

  public String name() {
    return name;
  }

  /** Human-readable type, as printed in the configuration reference. */
  public String type() {
    return type;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  /** What a valid value looks like, for error messages and docs. */
  public String expected() {
    return expected;
  }

  /** Parses and validates a raw string; the message names the key, the value and what was expected. */
  public T parse(String raw) {
    T value;
    try {
      value = parser.apply(raw.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "config key '" + name + "': cannot read '" + raw + "' as " + type + " (expected " + expected + ")", e);
    }
    return validate(value);
  }

  /** Checks a typed value; the message names the key, the value and what was expected. */
  public T validate(T value) {
    if (value == null || !validator.test(value)) {
      throw new IllegalArgumentException(
          "config key '" + name + "': value '" + format(value) + "' is out of range (expected " + expected + ")");
    }
    return value;
  }

  /** Renders a value the way it would be written in a .properties file. */
  public String format(Object value) {
    if (value instanceof int[] ints) {
      return String.join(",", Arrays.stream(ints).mapToObj(Integer::toString).toArray(String[]::new));
    }
    if (value instanceof java.util.List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }
    return String.valueOf(value);
  }

  static ConfigKey<Integer> intKey(String name, int def, String doc, int min, int max) {
    return new ConfigKey<>(name, "int", def, doc, Integer::parseInt, v -> v >= min && v <= max,
        "an integer in [" + min + ", " + max + "]");
  }

  static ConfigKey<Long> longKey(String name, long def, String doc) {
    return new ConfigKey<>(name, "long", def, doc, Long::parseLong, v -> true, "a 64-bit integer");
  }

  /** A double in an interval; {@code minOpen} excludes the lower end. */
  static ConfigKey<Double> doubleKey(String name, double def, String doc, double min, boolean minOpen, double max) {
    Predicate<Double> ok = v -> Double.isFinite(v) && (minOpen ? v > min : v >= min) && v <= max;
    String range = (minOpen ? "(" : "[") + min + ", " + max + "]";
    return new ConfigKey<>(name, "double", def, doc, Double::parseDouble, ok, "a finite number in " + range);
  }

  static ConfigKey<Boolean> boolKey(String name, boolean def, String doc) {
    return new ConfigKey<>(name, "boolean", def, doc, ConfigKey::parseBoolean, v -> true, "true or false");
  }

  static <E extends Enum<E>> ConfigKey<E> enumKey(String name, Class<E> type, E def, String doc) {
    String choices = String.join(", ", Arrays.stream(type.getEnumConstants())
        .map(e -> e.name().toLowerCase(Locale.ROOT)).toArray(String[]::new));
    return new ConfigKey<>(name, "enum", def, doc, s -> Enum.valueOf(type, s.toUpperCase(Locale.ROOT)), v -> true,
        "one of " + choices);
  }

  /** A string matching {@code pattern} (described by {@code expected}). */
  static ConfigKey<String> stringKey(String name, String def, String doc, String pattern, String expected) {
    return new ConfigKey<>(name, "string", def, doc, s -> s, v -> v.matches(pattern), expected);
  }

  /** A comma-separated list of non-empty strings (surrounding spaces trimmed); empty allowed. */
  static ConfigKey<java.util.List<String>> stringListKey(String name, String doc) {
    return stringListKey(name, java.util.List.of(), doc);
  }

  /** A comma-separated list of non-empty strings with a default. */
  static ConfigKey<java.util.List<String>> stringListKey(String name, java.util.List<String> def, String doc) {
    Function<String, java.util.List<String>> parser = s -> s.isEmpty() ? java.util.List.of()
        : Arrays.stream(s.split(",")).map(String::trim).toList();
    return new ConfigKey<>(name, "string list", def, doc, parser,
        v -> v.stream().noneMatch(String::isEmpty), "a comma-separated list of non-empty names, or nothing");
  }

  /** A comma-separated list of integers, each in [min, max]; empty allowed when {@code allowEmpty}. */
  static ConfigKey<int[]> intListKey(String name, int[] def, String doc, int min, int max, boolean allowEmpty) {
    Function<String, int[]> parser = s -> s.isEmpty() ? new int[0]
        : Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    Predicate<int[]> ok = v -> (allowEmpty || v.length > 0) && Arrays.stream(v).allMatch(x -> x >= min && x <= max);
    return new ConfigKey<>(name, "int list", def, doc, parser, ok,
        (allowEmpty ? "" : "a non-empty ") + "comma-separated list of integers in [" + min + ", " + max + "]");
  }

  private static boolean parseBoolean(String s) {
    if (s.equalsIgnoreCase("true")) {
      return true;
    }
    if (s.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException("not a boolean: " + s);
  }

  @Override
  public String toString() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigKey<?> k && k.name.equals(name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name);
  }
}

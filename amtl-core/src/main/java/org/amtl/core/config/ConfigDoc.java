package org.amtl.core.config;

import java.util.Locale;

/**
 * Renders the key table as docs/configuration.md and as conf/defaults.properties, so both are generated from
 * {@link Keys} and a test can check that the shipped copies match. Run {@code main} with {@code markdown} or
 * {@code properties} to print one.
 */
public final class ConfigDoc {
  private ConfigDoc() {}

  public static void main(String[] args) {
    String what = args.length == 0 ? "markdown" : args[0];
    System.out.print(switch (what) {
      case "markdown" -> markdown();
      case "properties" -> properties();
      default -> throw new IllegalArgumentException("argument '" + what + "' (expected markdown or properties)");
    });
  }

  /** The configuration reference in Markdown. */
  public static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Configuration reference\n\n")
        .append("Generated from the key table (`org.amtl.core.config.Keys`); a test fails when this file and the ")
        .append("table differ. Regenerate with\n")
        .append("`java -cp amtl-core/target/classes org.amtl.core.config.ConfigDoc markdown > docs/configuration.md`.")
        .append("\n\nUnknown keys and invalid values are errors that name the key, the value and what was expected.")
        .append("\n\n| key | type | default | valid values | description |\n|---|---|---|---|---|\n");
    for (ConfigKey<?> k : Keys.all().values()) {
      sb.append(String.format(Locale.ROOT, "| `%s` | %s | `%s` | %s | %s |%n", k.name(), k.type(),
          k.format(k.defaultValue()), k.expected(), k.doc()));
    }
    return sb.toString();
  }

  /** Every key at its default, each with its documentation as a comment. */
  public static String properties() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Defaults of every configuration key, generated from org.amtl.core.config.Keys.\n")
        .append("# Copy the keys you want to change into your own .properties file; unknown keys are errors.\n");
    for (ConfigKey<?> k : Keys.all().values()) {
      sb.append(String.format(Locale.ROOT, "%n# %s%n# %s: %s%n%s = %s%n", k.doc(), k.type(), k.expected(),
          k.name(), k.format(k.defaultValue())));
    }
    return sb.toString();
  }
}

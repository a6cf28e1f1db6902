package org.amtl.spark.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.model.EmbeddingVariant;

/**
 * One arm of an experiment: a head, an embedding variant and optional overrides, written
 * {@code head/variant[key=value;key=value]}. The variants are those of {@link EmbeddingVariant#experimentVariants}:
 * the embedding types and the AMTL ablations.
 */
record ExperimentArm(String label, String head, String variant, Map<String, String> overrides) {
  static final Map<String, Map<String, String>> VARIANTS = EmbeddingVariant.experimentVariants();

  /** Parses a spec; the error names the spec and what was expected. */
  static ExperimentArm parse(String spec) {
    String s = spec.trim();
    Map<String, String> overrides = new LinkedHashMap<>();
    int open = s.indexOf('[');
    String base = s;
    if (open >= 0) {
      if (!s.endsWith("]")) {
        throw new IllegalArgumentException(bad(spec, "overrides must end with ']'"));
      }
      base = s.substring(0, open);
      for (String kv : s.substring(open + 1, s.length() - 1).split(";")) {
        if (kv.isBlank()) {
          continue;
        }
        String[] p = kv.split("=", 2);
        if (p.length != 2) {
          throw new IllegalArgumentException(bad(spec, "override '" + kv + "' is not key=value"));
        }
        overrides.put(p[0].trim(), p[1].trim());
      }
    }
    String[] hv = base.split("/");
    if (hv.length != 2) {
      throw new IllegalArgumentException(bad(spec, "expected head/variant"));
    }
    String head = hv[0].trim().toLowerCase(Locale.ROOT);
    String variant = hv[1].trim().toLowerCase(Locale.ROOT);
    if (!VARIANTS.containsKey(variant)) {
      throw new IllegalArgumentException(bad(spec, "variant '" + variant + "' is not one of " + VARIANTS.keySet()));
    }
    ExperimentArm arm = new ExperimentArm(s, head, variant, overrides);
    arm.configure(AmtlConfig.defaults()); // checks the head and every override now, not after hours of training
    return arm;
  }

  static List<ExperimentArm> parseAll(List<String> specs) {
    List<ExperimentArm> arms = new ArrayList<>();
    for (String spec : specs) {
      ExperimentArm arm = parse(spec);
      if (arms.stream().anyMatch(a -> a.label().equals(arm.label()))) {
        throw new IllegalArgumentException(Keys.EXPERIMENT_ARMS.name() + ": arm '" + spec + "' is listed twice");
      }
      arms.add(arm);
    }
    return arms;
  }

  private static String bad(String spec, String why) {
    return Keys.EXPERIMENT_ARMS.name() + ": arm '" + spec + "': " + why;
  }

  /** Whether the arm trains AMTL masks (the paper's layer or an ablation), so it has learned dims. */
  boolean hasMask(AmtlConfig base) {
    return configure(base).get(Keys.EMBEDDING) == EmbeddingVariant.AMTL;
  }

  /** The configuration of this arm on top of the experiment's; errors name the arm. */
  AmtlConfig configure(AmtlConfig base) {
    try {
      AmtlConfig c = base.withRaw(Keys.HEAD.name(), head);
      for (Map.Entry<String, String> e : VARIANTS.get(variant).entrySet()) {
        c = c.withRaw(e.getKey(), e.getValue());
      }
      for (Map.Entry<String, String> e : overrides.entrySet()) {
        c = c.withRaw(e.getKey(), e.getValue());
      }
      return c.validate();
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException(bad(label, ex.getMessage()), ex);
    }
  }
}

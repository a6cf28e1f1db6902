package org.amtl.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped docs/configuration.md and conf/*.properties match the key table and load. */
class ShippedConfigTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void configurationReferenceMatchesKeyTable() throws IOException {
    assertEquals(ConfigDoc.markdown(), Files.readString(ROOT.resolve("docs/configuration.md")),
        "docs/configuration.md is stale: regenerate it with the command at its top");
    assertEquals(ConfigDoc.properties(), Files.readString(ROOT.resolve("conf/defaults.properties")),
        "conf/defaults.properties is stale: regenerate it with ConfigDoc properties");
  }

  @Test
  void everyShippedPropertiesFileLoads() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(ROOT.resolve("conf"))) {
      files = s.filter(p -> p.toString().endsWith(".properties")).sorted().toList();
    }
    assertFalse(files.isEmpty());
    for (Path f : files) {
      AmtlConfig.load(f).validate();
    }
  }
}

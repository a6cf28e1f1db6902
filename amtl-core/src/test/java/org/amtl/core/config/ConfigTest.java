package org.amtl.core.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.amtl.core.model.EmbeddingVariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @Test
  void loadsPropertiesAndOverrides(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("job.properties");
    Files.writeString(f, "model.dim = 12\nmodel.embedding = MDE\nmodel.hidden = 8, 4\n");
    AmtlConfig c = AmtlConfig.load(f).withRaw("amtl.temperature", "0.5");
    assertEquals(12, c.getInt(Keys.DIM));
    assertEquals(EmbeddingVariant.MDE, c.get(Keys.EMBEDDING));
    assertArrayEquals(new int[] {8, 4}, c.get(Keys.HIDDEN));
    assertEquals(0.5, c.getDouble(Keys.TEMPERATURE));
    assertEquals(0.001, c.getDouble(Keys.DENSE_LR)); // default
    assertEquals("mde", c.toProperties().getProperty("model.embedding"));
  }

  @Test
  void unknownKeyInFileNamesFileAndKey(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bad.properties");
    Files.writeString(f, "model.dimm = 12\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AmtlConfig.load(f));
    assertTrue(e.getMessage().contains("bad.properties") && e.getMessage().contains("'model.dimm'"), e.getMessage());
  }

  @Test
  void everyKeyHasDocTypeAndValidDefault() {
    for (ConfigKey<?> k : Keys.all().values()) {
      assertTrue(!k.doc().isBlank() && !k.type().isBlank(), k.name());
      Object def = k.defaultValue();
      // the default, written as text, parses back to itself
      assertEquals(k.format(def), k.format(k.parse(k.format(def))), k.name());
    }
  }
}

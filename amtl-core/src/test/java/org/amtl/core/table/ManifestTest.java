package org.amtl.core.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manifest is read only when it names this format and its version; otherwise the error says which it found. */
class ManifestTest {
  @TempDir
  Path dir;

  org.apache.hadoop.fs.Path written(String name, int version) throws IOException {
    ObjectNode m = Manifest.JSON.createObjectNode();
    m.putObject("format").put("name", name).put("version", version);
    org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(dir.resolve(name + "-" + version).toUri());
    Manifest.write(m, folder, new Configuration());
    return folder;
  }

  @Test
  void theFormatNameAndVersionAreChecked() throws IOException {
    Configuration conf = new Configuration();
    assertEquals(TableFormat.NAME,
        Manifest.read(written(TableFormat.NAME, TableFormat.VERSION), conf).path("format").path("name").asText());
    IOException otherName = assertThrows(IOException.class,
        () -> Manifest.read(written("someone-elses-table", TableFormat.VERSION), conf));
    assertTrue(otherName.getMessage().contains("format name 'someone-elses-table'")
        && otherName.getMessage().contains(TableFormat.NAME), otherName.getMessage());
    IOException otherVersion = assertThrows(IOException.class,
        () -> Manifest.read(written(TableFormat.NAME, TableFormat.VERSION + 1), conf));
    assertTrue(otherVersion.getMessage().contains("version " + (TableFormat.VERSION + 1)), otherVersion.getMessage());
  }
}

package org.amtl.core.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two files that differ only in the order of their footers' encoding lists become byte-identical. */
class CanonicalParquetTest {
  @TempDir
  Path dir;

  @Test
  void encodingOrderNoLongerMatters() throws Exception {
    Path file = dir.resolve("f.parquet");
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withType(TableFormat.FREQUENCY_SCHEMA).withConf(new Configuration()).build()) {
      SimpleGroupFactory g = new SimpleGroupFactory(TableFormat.FREQUENCY_SCHEMA);
      for (int i = 0; i < 100; i++) {
        w.write(g.newGroup().append("field", "f").append("value", "v" + (i % 7)).append("id", i).append("count", 5L));
      }
    }
    CanonicalParquet.canonicalize(file);
    byte[] canonical = Files.readAllBytes(file);

    // what another JVM could write: the same file with every encoding list reversed
    reverseEncodings(file);
    byte[] other = Files.readAllBytes(file);
    assertFalse(Arrays.equals(canonical, other), "the reversed footer differs");
    CanonicalParquet.canonicalize(file);
    assertArrayEquals(canonical, Files.readAllBytes(file));
  }

  static void reverseEncodings(Path file) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      byte[] tail = new byte[8];
      f.seek(f.length() - 8);
      f.readFully(tail);
      int n = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      byte[] footer = new byte[n];
      f.seek(f.length() - 8 - n);
      f.readFully(footer);
      FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(footer));
      for (RowGroup group : meta.getRow_groups()) {
        for (ColumnChunk chunk : group.getColumns()) {
          Collections.reverse(chunk.getMeta_data().getEncodings());
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Util.writeFileMetaData(meta, out);
      f.seek(f.length() - 8 - n);
      f.write(out.toByteArray());
    }
  }
}

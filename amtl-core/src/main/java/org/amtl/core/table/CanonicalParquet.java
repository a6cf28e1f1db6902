package org.amtl.core.table;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Makes a Parquet file's bytes depend only on its content. parquet-mr lists each column chunk's encodings in the
 * iteration order of a hash set of enums, whose identity hashes differ from one JVM to the next, so the same data
 * written by two JVMs differs in a few footer bytes. This rewrites the footer in place with every encoding list
 * sorted (the same length: each encoding is one byte in Thrift's compact protocol).
 */
final class CanonicalParquet {
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private CanonicalParquet() {}

  static void canonicalize(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long length = f.length();
      byte[] tail = new byte[8];
      f.seek(length - 8);
      f.readFully(tail);
      for (int i = 0; i < 4; i++) {
        if (tail[4 + i] != MAGIC[i]) {
          throw new IOException(file + ": no Parquet magic at the end");
        }
      }
      int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      long footerStart = length - 8 - footerLength;
      byte[] footer = new byte[footerLength];
      f.seek(footerStart);
      f.readFully(footer);
      FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(footer));
      for (RowGroup group : meta.getRow_groups()) {
        for (ColumnChunk chunk : group.getColumns()) {
          ColumnMetaData column = chunk.getMeta_data();
          column.getEncodings().sort(Comparator.comparingInt(org.apache.parquet.format.Encoding::getValue));
          if (column.isSetEncoding_stats()) {
            column.getEncoding_stats().sort(Comparator
                .comparingInt((org.apache.parquet.format.PageEncodingStats s) -> s.getPage_type().getValue())
                .thenComparingInt(s -> s.getEncoding().getValue()));
          }
        }
      }
      ByteArrayOutputStream rewritten = new ByteArrayOutputStream(footerLength);
      Util.writeFileMetaData(meta, rewritten);
      if (rewritten.size() != footerLength) {
        throw new IOException(file + ": canonical footer is " + rewritten.size() + " bytes (expected " + footerLength
            + ")");
      }
      f.seek(footerStart);
      f.write(rewritten.toByteArray());
    }
  }
}

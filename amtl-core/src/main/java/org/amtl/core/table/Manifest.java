package org.amtl.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * manifest.json: the description of a published table and its commit point (written last). Sections: format,
 * model (max dim, variant), fields (vocabulary size, dim histogram), storage, metrics, config, input, files
 * (bytes and SHA-256 of every data file), and run (run id and timestamps: the only part that differs between two
 * runs of the same job on the same input).
 */
public final class Manifest {
  public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Manifest() {}

  /** {"path", "bytes", "sha256"} of each file, in the given order. */
  public static ArrayNode fileEntries(FileSystem fs, Path dir, List<String> files) throws IOException {
    ArrayNode out = JSON.createArrayNode();
    for (String rel : files) {
      Path p = new Path(dir, rel);
      ObjectNode e = out.addObject();
      e.put("path", rel);
      e.put("bytes", fs.getFileStatus(p).getLen());
      e.put("sha256", sha256(fs, p));
    }
    return out;
  }

  public static String sha256(FileSystem fs, Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = fs.open(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Writes the manifest into {@code dir} (overwriting), the last step of a publication. */
  public static void write(ObjectNode manifest, Path dir, Configuration conf) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    try (OutputStream out = fs.create(new Path(dir, TableFormat.MANIFEST), true)) {
      JSON.writeValue(out, manifest);
    }
  }

  /** Reads the manifest of a published table; the error says when there is none (an unpublished folder). */
  public static JsonNode read(Path dir, Configuration conf) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    Path p = new Path(dir, TableFormat.MANIFEST);
    if (!fs.exists(p)) {
      throw new IOException(dir + ": no " + TableFormat.MANIFEST + " (not a published table, or its run did not "
          + "finish)");
    }
    try (InputStream in = fs.open(p)) {
      JsonNode m = JSON.readTree(in);
      String name = m.path("format").path("name").asText("");
      if (!name.equals(TableFormat.NAME)) {
        throw new IOException(p + ": format name '" + name + "' (expected '" + TableFormat.NAME + "')");
      }
      int version = m.path("format").path("version").asInt(-1);
      if (version < TableFormat.OLDEST_READABLE || version > TableFormat.VERSION) {
        throw new IOException(p + ": table format version " + version + " (expected " + TableFormat.OLDEST_READABLE
            + " to " + TableFormat.VERSION + ")");
      }
      return m;
    }
  }

  /**
   * Checks a published table against its manifest: every listed file exists with its size and checksum, and each
   * field's rows and dim histogram match the embedding data. Returns the problems found (empty: valid).
   */
  public static List<String> verify(Path dir, Configuration conf) throws IOException {
    return verify(dir, conf, true);
  }

  /**
   * The manifest of the table {@code what} names, after checking its files against it (and, with {@code rows}, its
   * fields' rows and dims, which reads every row: not for a driver that must not hold the table). Fails, naming
   * {@code what} and the problems, when it is not a published table or does not match.
   */
  public static JsonNode readVerified(Path dir, Configuration conf, String what, boolean rows) throws IOException {
    List<String> problems;
    try {
      problems = verify(dir, conf, rows);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not a published table: " + e.getMessage(), e);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(what + " does not match its manifest: " + problems);
    }
    return read(dir, conf);
  }

  private static List<String> verify(Path dir, Configuration conf, boolean checkRows) throws IOException {
    List<String> problems = new ArrayList<>();
    JsonNode m;
    try {
      m = read(dir, conf);
    } catch (ChecksumException e) { // a filesystem with its own checksums (local, HDFS) saw the change first
      return List.of(TableFormat.MANIFEST + ": changed after it was written (" + e.getMessage() + ")");
    }
    FileSystem fs = dir.getFileSystem(conf);
    for (JsonNode f : m.path("files")) {
      Path p = new Path(dir, f.path("path").asText());
      if (!fs.exists(p)) {
        problems.add("missing file " + f.path("path").asText());
        continue;
      }
      long bytes = fs.getFileStatus(p).getLen();
      if (bytes != f.path("bytes").asLong()) {
        problems.add(f.path("path").asText() + ": " + bytes + " bytes (manifest: " + f.path("bytes").asLong() + ")");
      } else {
        try {
          if (!sha256(fs, p).equals(f.path("sha256").asText())) {
            problems.add(f.path("path").asText() + ": SHA-256 differs from the manifest");
          }
        } catch (ChecksumException e) {
          problems.add(f.path("path").asText() + ": changed after it was written (" + e.getMessage() + ")");
        }
      }
    }
    if (!problems.isEmpty() || !checkRows) {
      return problems;
    }
    try (TableReader reader = TableReader.open(dir, conf)) {
      for (JsonNode field : m.path("fields")) {
        String name = field.path("name").asText();
        TableReader.FieldRows rows = reader.field(name);
        if (rows.size() != field.path("rows").asInt()) {
          problems.add("field '" + name + "': " + rows.size() + " rows (manifest: " + field.path("rows").asInt() + ")");
        }
        int[] histogram = new int[reader.maxDim() + 1];
        for (int i = 0; i < rows.size(); i++) {
          histogram[rows.dim(i)]++;
        }
        JsonNode expected = field.path("dimHistogram");
        for (int d = 1; d < histogram.length; d++) {
          if (histogram[d] != expected.path(Integer.toString(d)).asInt(0)) {
            problems.add("field '" + name + "': " + histogram[d] + " rows of dim " + d + " (manifest: "
                + expected.path(Integer.toString(d)).asInt(0) + ")");
          }
        }
      }
    }
    return problems;
  }
}

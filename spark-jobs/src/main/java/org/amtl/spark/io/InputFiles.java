package org.amtl.spark.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.amtl.core.config.Keys;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Lists the input's Parquet files and checks each footer before Spark reads anything, so a missing path, an empty
 * or corrupt file, or files whose schemas differ stop the job with a message naming the path, file and column.
 */
final class InputFiles {
  private InputFiles() {}

  /** Every data file under the configured paths (globs expanded, folders listed recursively, hidden files skipped). */
  static List<Path> list(List<String> paths, Configuration conf) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String p : paths) {
      Path path = new Path(p);
      FileSystem fs = path.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw new IllegalArgumentException("input path '" + p + "' (config key '" + Keys.INPUT_PATHS.name()
            + "') does not exist or matches nothing");
      }
      for (FileStatus m : matches) {
        if (m.isFile()) {
          files.add(m.getPath());
          continue;
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(m.getPath(), true);
        while (it.hasNext()) {
          LocatedFileStatus f = it.next();
          if (!hidden(m.getPath(), f.getPath())) {
            files.add(f.getPath());
          }
        }
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("input paths " + paths + " hold no data files");
    }
    return files;
  }

  /** Hidden: a name starting with '_' or '.' anywhere below the listed root (Spark's rule for data files). */
  private static boolean hidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String n = p.getName();
      if (n.startsWith("_") || n.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Reads every footer; fails on an empty or unreadable file, or a schema that differs from the first file's. */
  static void checkFooters(List<Path> files, Configuration conf) throws IOException {
    MessageType first = null;
    Path firstFile = null;
    for (Path f : files) {
      FileSystem fs = f.getFileSystem(conf);
      if (fs.getFileStatus(f).getLen() == 0) {
        throw new IllegalArgumentException("input file " + f + " is empty (0 bytes; expected a Parquet file)");
      }
      MessageType schema;
      try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(f, conf))) {
        schema = r.getFooter().getFileMetaData().getSchema();
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("input file " + f + " is not a readable Parquet file: " + e.getMessage(), e);
      }
      if (first == null) {
        first = schema;
        firstFile = f;
        continue;
      }
      compare(firstFile, first, f, schema);
    }
  }

  private static void compare(Path aFile, MessageType a, Path bFile, MessageType b) {
    for (Type t : a.getFields()) {
      if (!b.containsField(t.getName())) {
        throw new IllegalArgumentException("input file " + bFile + " has no column '" + t.getName() + "' but "
            + aFile + " has (expected every file to have the same columns)");
      }
      Type u = b.getType(t.getName());
      if (!shape(t).equals(shape(u))) {
        throw new IllegalArgumentException("input column '" + t.getName() + "' is " + shape(u) + " in " + bFile
            + " but " + shape(t) + " in " + aFile + " (expected the same type in every file)");
      }
    }
    for (Type u : b.getFields()) {
      if (!a.containsField(u.getName())) {
        throw new IllegalArgumentException("input file " + bFile + " has a column '" + u.getName() + "' that "
            + aFile + " lacks (expected every file to have the same columns)");
      }
    }
  }

  /** A column's type without its nullability (writers differ in optional vs required). */
  private static String shape(Type t) {
    return t.isPrimitive()
        ? t.asPrimitiveType().getPrimitiveTypeName() + String.valueOf(t.getLogicalTypeAnnotation())
        : t.asGroupType().getFields().stream().map(InputFiles::shape).toList() + String.valueOf(
            t.getLogicalTypeAnnotation());
  }
}

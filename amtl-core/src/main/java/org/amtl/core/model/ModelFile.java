package org.amtl.core.model;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.data.Vocabulary;

/**
 * A whole model in one file: configuration, vocabulary (values and counts, which fix the frequency features) and
 * {@link ModelState}. Saving writes a temporary sibling and renames it, so a reader never sees half a file.
 *
 * <p>Layout (big-endian), version {@value #FORMAT_VERSION}:
 * <pre>
 *   int magic 0x414D544D ("AMTM")    int version
 *   UTF config (.properties text of the explicitly set keys)
 *   Vocabulary (see its binary form)
 *   ModelState (see its layout)
 * </pre>
 */
public final class ModelFile {
  public static final int MAGIC = 0x414D544D;
  public static final int FORMAT_VERSION = 1;

  private ModelFile() {}

  public static void save(CtrModel model, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      Properties explicit = new Properties();
      explicit.putAll(model.config().explicitValues());
      StringWriter text = new StringWriter();
      explicit.store(text, null);
      writeLongUtf(out, text.toString());
      model.vocabulary().write(out);
      model.snapshot().write(out);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static CtrModel load(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new IOException(String.format("%s: not a model file: magic 0x%08X (expected 0x%08X)", file, magic,
            MAGIC));
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IOException(file + ": model file format version " + version + " (expected " + FORMAT_VERSION
            + ")");
      }
      Properties props = new Properties();
      props.load(new StringReader(readLongUtf(in)));
      AmtlConfig config = AmtlConfig.defaults().withAll(props);
      CtrModel model = new CtrModel(config, Vocabulary.read(in));
      model.load(ModelState.read(in));
      return model;
    }
  }

  private static void writeLongUtf(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readLongUtf(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative string length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
}

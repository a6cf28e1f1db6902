package org.amtl.spark.job;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A Kryo serializer that stores an object in its own versioned binary form, as a length-prefixed block. */
final class CodecSerializer<T> extends Serializer<T> {
  interface Writer<T> {
    void write(T value, DataOutputStream out) throws IOException;
  }

  interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private final Writer<T> writer;
  private final Reader<T> reader;

  CodecSerializer(Writer<T> writer, Reader<T> reader) {
    this.writer = writer;
    this.reader = reader;
  }

  @Override
  public void write(Kryo kryo, Output output, T value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(value, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    output.writeInt(bytes.size());
    output.writeBytes(bytes.toByteArray());
  }

  @Override
  public T read(Kryo kryo, Input input, Class<T> type) {
    byte[] b = input.readBytes(input.readInt());
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      return reader.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

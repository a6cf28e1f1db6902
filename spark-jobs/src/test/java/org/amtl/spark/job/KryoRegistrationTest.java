package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.amtl.core.data.Example;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.Vocabulary;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** Everything the job ships goes through Kryo with registration required, in its own compact form. */
class KryoRegistrationTest {
  static final SerializerInstance KRYO = new KryoSerializer(new SparkConf()
      .set("spark.kryo.registrator", AmtlKryoRegistrator.class.getName())
      .set("spark.kryo.registrationRequired", "true")).newInstance();

  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T value) {
    ByteBuffer bytes = KRYO.serialize(value, ClassTag$.MODULE$.apply(value.getClass()));
    return (T) KRYO.deserialize(bytes, ClassTag$.MODULE$.apply(value.getClass()));
  }

  @Test
  void shippedClassesRoundTrip() {
    Vocabulary vocab = new Vocabulary(List.of(
        FieldVocabulary.fromCounts("user", Map.of("u1", 5L, "u2", 3L), 1),
        FieldVocabulary.fromCounts("tags", Map.of("x", 2L), 1)));
    Vocabulary v = roundTrip(vocab);
    assertEquals("u1", v.field(0).value(1));
    assertArrayEquals(vocab.field(0).counts(), v.field(0).counts());

    RoundResult r = roundTrip(new RoundResult(3, 10, 2, 6.5, "hdfs://nn/out/.run.rounds/round-0/part-3-7.bin", ""));
    assertEquals(3, r.partition());
    assertEquals(10, r.examples());
    assertEquals(6.5, r.lossSum());
    assertEquals("hdfs://nn/out/.run.rounds/round-0/part-3-7.bin", r.stateFile());
    assertEquals("loss NaN", roundTrip(RoundResult.diverged(1, "loss NaN")).diverged());

    ExampleBlock block = roundTrip(ExampleBlock.of(List.of(new Example(1f, new int[][] {{1}, {0, 1}}),
        new Example(0f, new int[][] {{2}, {}})), 2));
    assertEquals(2, block.size());
    assertEquals(1f, block.example(0).label());
    assertArrayEquals(new int[] {0, 1}, block.example(0).ids()[1]);
    assertArrayEquals(new int[] {2}, block.example(1).ids()[0]);
    assertArrayEquals(new int[] {0}, block.example(1).ids()[1], "an empty bag is the OOV row");
  }

  /**
   * The sharded path caches rows of the vocabulary (memory and disk): an executor short of memory writes them to
   * disk through Kryo, which once failed there with 10M values on 1 GB executors.
   */
  @Test
  void cachedRowsRoundTrip() {
    org.apache.spark.sql.Row plain = org.apache.spark.sql.RowFactory.create(2, "u17", 5, 9L);
    org.apache.spark.sql.Row back = roundTrip(plain);
    assertEquals(plain, back);
    assertEquals("u17", back.getString(1));
    org.apache.spark.sql.Row withSchema = new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
        new Object[] {1, "v", 3L}, new org.apache.spark.sql.types.StructType().add("f", "int").add("v", "string")
            .add("count", "long"));
    org.apache.spark.sql.Row read = roundTrip(withSchema);
    assertEquals(withSchema, read);
    assertEquals(withSchema.schema(), read.schema());
  }

  @Test
  void unregisteredClassesFail() {
    assertThrows(Exception.class, () -> KRYO.serialize(new java.util.concurrent.atomic.AtomicLong(1),
        ClassTag$.MODULE$.apply(java.util.concurrent.atomic.AtomicLong.class)));
  }

  @Test
  void launcherFlagsMatchThePom() throws Exception {
    String pom = Files.readString(Path.of("..", "pom.xml"));
    String fromPom = pom.substring(pom.indexOf("<java17.flags>") + 14, pom.indexOf("</java17.flags>")).trim();
    String fromFile = Files.readAllLines(Path.of("..", "submit", "java17-flags")).stream()
        .filter(l -> !l.startsWith("#")).reduce("", String::concat).trim();
    assertEquals(fromPom, fromFile);
  }
}

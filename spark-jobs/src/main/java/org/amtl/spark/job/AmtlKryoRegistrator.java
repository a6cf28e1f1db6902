package org.amtl.spark.job;

import com.esotericsoftware.kryo.Kryo;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.Vocabulary;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class the job ships through Kryo (broadcasts, cached blocks and task results), each stored in its own compact
 * binary form. The job runs with {@code spark.kryo.registrationRequired=true}, so a class missing here fails
 * loudly in the tests instead of silently falling back to writing class names.
 */
public final class AmtlKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(Vocabulary.class, new CodecSerializer<>((v, out) -> v.write(out), Vocabulary::read));
    kryo.register(RoundResult.class, new CodecSerializer<>(RoundResult::write, RoundResult::read));
    kryo.register(ExampleBlock.class, new CodecSerializer<>((b, out) -> b.write(out), ExampleBlock::read));
    kryo.register(PartitionCount.class, new CodecSerializer<>(PartitionCount::write, PartitionCount::read));
    kryo.register(ShardRow.class, new CodecSerializer<>(ShardRow::write, ShardRow::read));
    kryo.register(RowBlock.class, new RowBlock.KryoForm());
    kryo.register(RowCopy.class, new CodecSerializer<>(RowCopy::write, RowCopy::read));
    kryo.register(RoundOutput.class, new CodecSerializer<>(RoundOutput::write, RoundOutput::read));
    kryo.register(org.apache.spark.api.java.Optional.class); // the values of a left outer join (sharded export)
    // a record: Java serialization goes through its canonical constructor, where Kryo cannot set final fields
    kryo.register(org.amtl.core.table.TableSummary.Field.class,
        new com.esotericsoftware.kryo.serializers.JavaSerializer());
    // Spark SQL ships schemas inside some tasks (Parquet reads and writes of the input's column types), and a few
    // Spark classes travel in task results
    for (String name : SQL_TYPES) {
      try {
        kryo.register(Class.forName(name));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("Spark SQL type " + name + " not found: is this the Spark version the "
            + "project was built for?", e);
      }
    }
  }

  private static final String[] SQL_TYPES = {
      "org.apache.spark.sql.types.StructType", "org.apache.spark.sql.types.StructField",
      "[Lorg.apache.spark.sql.types.StructField;", "org.apache.spark.sql.types.ArrayType",
      "org.apache.spark.sql.types.MapType", "org.apache.spark.sql.types.Metadata",
      "org.apache.spark.sql.types.DecimalType", "org.apache.spark.sql.types.StringType",
      "org.apache.spark.sql.types.BooleanType$", "org.apache.spark.sql.types.ByteType$",
      "org.apache.spark.sql.types.ShortType$", "org.apache.spark.sql.types.IntegerType$",
      "org.apache.spark.sql.types.LongType$", "org.apache.spark.sql.types.FloatType$",
      "org.apache.spark.sql.types.DoubleType$", "org.apache.spark.sql.types.StringType$",
      "org.apache.spark.sql.types.BinaryType$", "org.apache.spark.sql.types.DateType$",
      "org.apache.spark.sql.types.TimestampType$", "org.apache.spark.sql.types.TimestampNTZType$",
      "org.apache.spark.sql.types.NullType$",
      // Dataset.toLocalIterator (the sharded export streams the frequencies to the driver) returns these
      "[Lorg.apache.spark.util.io.ChunkedByteBuffer;",
      // the sharded path caches rows of the sorted vocabulary (VocabularyIds); a full executor spills them to disk
      "org.apache.spark.sql.catalyst.expressions.GenericRow",
      "org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema"};
}

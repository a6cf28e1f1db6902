package org.amtl.spark;

import com.esotericsoftware.kryo.Kryo;
import org.amtl.core.data.Example;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.model.ModelState;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class the job ships through Kryo (broadcasts and task results), each stored in its own compact
 * binary form. The job runs with {@code spark.kryo.registrationRequired=true}, so a class missing here fails
 * loudly in the tests instead of silently falling back to writing class names.
 */
public final class AmtlKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(Vocabulary.class, new CodecSerializer<>((v, out) -> v.write(out), Vocabulary::read));
    kryo.register(ModelState.class, new CodecSerializer<>((s, out) -> s.write(out), ModelState::read));
    kryo.register(RoundResult.class, new CodecSerializer<>(RoundResult::write, RoundResult::read));
    kryo.register(EvalPart.class, new CodecSerializer<>(EvalPart::write, EvalPart::read));
    kryo.register(Example.class, new CodecSerializer<>(AmtlKryoRegistrator::writeExample,
        AmtlKryoRegistrator::readExample));
    kryo.register(PartitionCount.class, new CodecSerializer<>(PartitionCount::write, PartitionCount::read));
    // Spark SQL ships schemas inside some tasks (Parquet reads and writes of the input's column types)
    for (String name : SQL_TYPES) {
      try {
        kryo.register(Class.forName(name));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("Spark SQL type " + name + " not found: is this the Spark version the "
            + "project was built for?", e);
      }
    }
  }

  /** An encoded example: label, field count, then per field the bag length and ids. */
  static void writeExample(Example e, java.io.DataOutputStream out) throws java.io.IOException {
    out.writeFloat(e.label());
    out.writeInt(e.ids().length);
    for (int[] bag : e.ids()) {
      out.writeInt(bag.length);
      for (int id : bag) {
        out.writeInt(id);
      }
    }
  }

  static Example readExample(java.io.DataInputStream in) throws java.io.IOException {
    float label = in.readFloat();
    int[][] ids = new int[in.readInt()][];
    for (int f = 0; f < ids.length; f++) {
      ids[f] = new int[in.readInt()];
      for (int i = 0; i < ids[f].length; i++) {
        ids[f][i] = in.readInt();
      }
    }
    return new Example(label, ids);
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
      "org.apache.spark.sql.types.NullType$"};
}

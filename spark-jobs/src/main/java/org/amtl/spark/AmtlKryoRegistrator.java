package org.amtl.spark;

import com.esotericsoftware.kryo.Kryo;
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
    kryo.register(PartitionCount.class, new CodecSerializer<>(PartitionCount::write, PartitionCount::read));
  }
}

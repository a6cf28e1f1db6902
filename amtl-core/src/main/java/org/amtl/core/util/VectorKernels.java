package org.amtl.core.util;

import java.lang.reflect.Constructor;
import java.lang.reflect.InaccessibleObjectException;

/**
 * Chooses between a kernel's Vector API implementation and its scalar one. The vectorised classes import
 * {@code jdk.incubator.vector}, so they are loaded by name, and only when the JVM was started with
 * {@code --add-modules=jdk.incubator.vector} (the launchers do that). Both give the same floats.
 */
public final class VectorKernels {
  private VectorKernels() {}

  /** A new instance of the named vectorised class when the module is present and it loads, else {@code scalar}. */
  public static <T> T vectorisedOr(String className, Class<T> type, T scalar) {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      try {
        Constructor<?> vectorised = Class.forName(className).getDeclaredConstructor();
        vectorised.setAccessible(true); // the kernels are package-private classes of their own packages
        return type.cast(vectorised.newInstance());
      } catch (ReflectiveOperationException | LinkageError | InaccessibleObjectException | SecurityException e) {
        return scalar;
      }
    }
    return scalar;
  }
}

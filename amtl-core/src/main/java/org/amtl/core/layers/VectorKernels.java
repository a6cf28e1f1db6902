package org.amtl.core.layers;

/**
 * Chooses between a kernel's Vector API implementation and its scalar one. The vectorised classes import
 * {@code jdk.incubator.vector}, so they are loaded by name, and only when the JVM was started with
 * {@code --add-modules=jdk.incubator.vector} (the launchers do that). Both give the same floats.
 */
final class VectorKernels {
  private VectorKernels() {}

  /** A new instance of the named vectorised class when the module is present and it loads, else {@code scalar}. */
  static <T> T vectorisedOr(String className, Class<T> type, T scalar) {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      try {
        return type.cast(Class.forName(className).getDeclaredConstructor().newInstance());
      } catch (ReflectiveOperationException | LinkageError e) {
        return scalar;
      }
    }
    return scalar;
  }
}

package org.amtl.spark.job;

import org.amtl.core.kernels.Gemm;
import org.slf4j.Logger;

/**
 * Says which dense kernel a JVM runs and what {@code train.kernels} routes to it, and warns when it is the slow
 * scalar one for want of a JVM flag.
 */
public final class DenseKernels {
  public static final String VECTOR_FLAG = "--add-modules=jdk.incubator.vector";

  private DenseKernels() {}

  /** Logs the kernel at INFO, or a WARN naming the missing flag when this JVM runs the scalar fallback. */
  public static void log(Logger log, org.amtl.core.kernels.ProductRoute route, String where) {
    String kernel = Gemm.implementation();
    log.info("dense products {}: {} (train.kernels={})", where, route.describe(),
        route.name().toLowerCase(java.util.Locale.ROOT));
    if (!kernel.equals("VectorGemm")) {
      log.warn("dense layers: {} {}: this JVM was started without {}, so the dense layers run scalar, several times "
          + "slower (same floats). Add it to the driver's and the executors' JVM options "
          + "(spark.driver.extraJavaOptions, spark.executor.extraJavaOptions); submit/amtl-train does.", kernel, where,
          VECTOR_FLAG);
    }
  }
}

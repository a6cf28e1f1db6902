package org.amtl.core.kernels;

/**
 * Which implementation runs the dense layers' products ({@code train.kernels}). Our kernels give the same floats on
 * every machine, vector width and the scalar fallback; netlib's native BLAS is faster on products without zeros to
 * skip but sums in its own order, so its floats depend on the library and the CPU.
 */
public enum ProductRoute {
  /** Our kernels for every product, skipping the zeros a ReLU leaves: bit-identical everywhere. */
  OURS,
  /** netlib for every product (native when found, else its Java implementation), no zero skipping. */
  BLAS,
  /**
   * A native BLAS for every product except where a factor has enough zeros that our kernel skipping them is faster
   * (half of them or more, per product as {@link LayerProducts} measured); our kernels alone (skipping from
   * {@link Gemm#ZERO_SHARE_TO_SKIP}) when no native BLAS is found.
   */
  AUTO;

  /** Whether a product with no zeros to skip runs through netlib on this JVM. */
  public boolean denseThroughBlas() {
    return this == BLAS || this == AUTO && Blas.isNative();
  }

  /** Whether a product whose factor is mostly zeros may skip them with our kernel. */
  public boolean skipsZeros() {
    return this != BLAS;
  }

  /** What this route runs on this JVM, for logs and the manifest ({@link #OURS} never loads netlib). */
  public String describe() {
    String ours = "ours (" + Gemm.implementation() + ")";
    return switch (this) {
      case OURS -> ours;
      case BLAS -> netlib();
      case AUTO -> Blas.isNative() ? netlib() + ", " + ours + " where a factor has enough zeros to skip (50-62%)"
          : ours + ": no native BLAS found";
    };
  }

  private static String netlib() {
    return "netlib " + Blas.implementation() + (Blas.isNative() ? " (native)" : " (Java, no native BLAS found)");
  }
}

package org.amtl.core.kernels;

/**
 * e^x in float arithmetic, for the softmaxes of the AMTL mask and AutoEmb. {@code Math.exp} is a double-precision
 * call that the JIT may replace by a platform stub (the specification allows results to differ by an ulp between
 * platforms) and is slow next to the rest of a softmax; this one is a short chain of fused multiply-adds and bit
 * operations, a vector of them at a time in {@code VectorSoftmax}, and gives the same floats on every JVM and CPU.
 *
 * <p>Method: x = k ln2 + r with k = round(x / ln2) and |r| <= ln2 / 2 (ln2 split in two floats so that r is
 * nearly exact), e^r by its Taylor series to r^7 (truncation below 5e-9 relative), times 2^k built from the
 * exponent bits. Within 2 ulp of the exact value for x in [-87, 88]; below -87 it returns e^-87 (about 1.6e-38,
 * nothing next to a softmax's largest term, which is 1), above 88 it returns e^88; NaN stays NaN.
 */
public final class FloatExp {
  static final float LOWEST = -87f;
  static final float HIGHEST = 88f;
  // package-private: VectorSoftmax takes the same steps with the same constants, lane by lane
  static final float LOG2E = 1.442695040888963f;
  static final float LN2_HI = 0.6931471824645996f; // ln 2 rounded to float
  static final float LN2_LO = -1.904654290582768e-9f; // ln 2 - LN2_HI
  // 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer, which lands in the low mantissa bits
  static final float ROUNDER = 12582912f;
  static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

  private FloatExp() {}

  /** e^x for x clamped to [-87, 88]. */
  public static float exp(float x) {
    float c = x < LOWEST ? LOWEST : x > HIGHEST ? HIGHEST : x; // NaN passes through
    float shifted = Math.fma(c, LOG2E, ROUNDER); // ROUNDER + round(c / ln2)
    float k = shifted - ROUNDER;
    float r = Math.fma(k, -LN2_HI, c);
    r = Math.fma(k, -LN2_LO, r);
    float p = Math.fma(1f / 5040, r, 1f / 720); // Horner: 1 + r + r^2/2! + ... + r^7/7!
    p = Math.fma(p, r, 1f / 120);
    p = Math.fma(p, r, 1f / 24);
    p = Math.fma(p, r, 1f / 6);
    p = Math.fma(p, r, 1f / 2);
    p = Math.fma(p, r, 1f);
    p = Math.fma(p, r, 1f);
    int twoToK = (Float.floatToRawIntBits(shifted) - ROUNDER_BITS + 127) << 23; // k + bias in the exponent field
    return p * Float.intBitsToFloat(twoToK);
  }
}

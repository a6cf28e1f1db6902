package org.amtl.core.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A sum of non-negative doubles that is the same in any order: each term is cut to a multiple of 2^-64 (below the
 * last bit of any term that is not tiny: a relative 1e-12 of a 1e-7 loss) and added as a 128-bit integer. So an
 * evaluation summed over any partitioning of the test split, by the training job or by the scoring job, gives the
 * same logloss and calibration to the bit. Holds sums below 2^62.
 */
public final class ExactSum {
  private static final BigDecimal UNIT = new BigDecimal(BigInteger.ONE.shiftLeft(64));
  private long hi;
  private long lo; // unsigned

  /** Adds {@code x}, a finite double in [0, 2^62). */
  public void add(double x) {
    if (!(x >= 0 && x < 0x1p62)) {
      throw new IllegalArgumentException("term " + x + " (expected a finite number in [0, 2^62))");
    }
    long bits = Double.doubleToRawLongBits(x);
    int exp = (int) (bits >>> 52) & 0x7ff;
    if (exp == 0) {
      return; // zero or subnormal: below 2^-64
    }
    long mantissa = (bits & ((1L << 52) - 1)) | (1L << 52); // x = mantissa * 2^(exp - 1075)
    int shift = exp - 1075 + 64;
    long addLo;
    long addHi;
    if (shift <= -64) {
      return;
    } else if (shift < 0) {
      addLo = mantissa >>> -shift;
      addHi = 0;
    } else if (shift == 0) {
      addLo = mantissa;
      addHi = 0;
    } else if (shift < 64) {
      addLo = mantissa << shift;
      addHi = mantissa >>> (64 - shift);
    } else {
      addLo = 0;
      addHi = mantissa << (shift - 64);
    }
    plus(addHi, addLo);
  }

  /** Adds another sum into this one. */
  public void add(ExactSum other) {
    plus(other.hi, other.lo);
  }

  private void plus(long addHi, long addLo) {
    long sum = lo + addLo;
    long carry = Long.compareUnsigned(sum, lo) < 0 ? 1 : 0;
    lo = sum;
    hi = hi + addHi + carry;
  }

  /** The sum, correctly rounded to a double. */
  public double value() {
    BigInteger fixed = BigInteger.valueOf(hi).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo)));
    return new BigDecimal(fixed).divide(UNIT).doubleValue();
  }

  public void write(DataOutput out) throws IOException {
    out.writeLong(hi);
    out.writeLong(lo);
  }

  public static ExactSum read(DataInput in) throws IOException {
    ExactSum s = new ExactSum();
    s.hi = in.readLong();
    s.lo = in.readLong();
    return s;
  }
}

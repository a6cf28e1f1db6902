package org.amtl.core.metrics;

import java.io.Serializable;

/**
 * The exact AUC of scores visited in ascending order, kept in integers so that any split of that order gives the
 * same bits: {@code twiceArea} = sum over distinct scores of positives x (2 x negatives below + negatives tied), so
 * AUC = twiceArea / (2 x positives x negatives), ties counting half. Two areas of consecutive score ranges join
 * exactly ({@link #then}), which lets partitions of a sorted score list be summed apart and combined in order.
 * Exact up to about 4 x 10^9 examples (the area overflows a long beyond; that is an error, not a wrong figure).
 */
public record AucArea(long positives, long negatives, long twiceArea) implements Serializable {
  /** No scores. */
  public static final AucArea EMPTY = new AucArea(0, 0, 0);

  /** This area followed by one more distinct score, above every score so far, with its counts. */
  public AucArea plus(long scorePositives, long scoreNegatives) {
    long twice = Math.multiplyExact(scorePositives, Math.addExact(2 * negatives, scoreNegatives));
    return new AucArea(positives + scorePositives, negatives + scoreNegatives, Math.addExact(twiceArea, twice));
  }

  /** This area followed by {@code above}, whose scores are all above this one's. */
  public AucArea then(AucArea above) {
    long across = Math.multiplyExact(Math.multiplyExact(2, above.positives), negatives);
    return new AucArea(positives + above.positives, negatives + above.negatives,
        Math.addExact(Math.addExact(twiceArea, above.twiceArea), across));
  }

  /** Examples counted. */
  public long count() {
    return positives + negatives;
  }

  /** The AUC, or NaN when there are no positives or no negatives. */
  public double auc() {
    return positives == 0 || negatives == 0 ? Double.NaN : twiceArea / (2.0 * positives * negatives);
  }
}

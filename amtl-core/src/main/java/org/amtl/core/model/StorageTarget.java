package org.amtl.core.model;

import java.util.ArrayList;
import java.util.List;
import org.amtl.core.layers.AmtlEmbedding;
import org.amtl.core.layers.AmtlMask;

/**
 * Steers an AMTL model's storage to a target ratio ({@code amtl.budget.targetRatio}). Every value's dims are the
 * argmax of its mask logits; lowering the logit of "keep l + 1 dims" by price * (l + 1) is a price on each kept
 * float, and the storage ratio falls as the price rises. Each value's logits depend on its count alone, so the
 * ratio at any price follows from one row of logits per tie group of each field. The driver calls {@link #steer}
 * before training and after every round's averaging: it finds the price whose storage comes closest to the target
 * (by bisection: the ratio is a non-increasing step function of the price), in the middle of that step, and adds
 * it to the AMLs' output biases. The arithmetic reads only the averaged parameters and the fields' statistics, so
 * reruns, and sharded and broadcast runs, apply the same prices.
 */
public final class StorageTarget {
  private static final int HALVINGS = 80;

  private StorageTarget() {}

  /** What one steer did: the price added and the storage ratio before and after it. */
  public record Steer(double price, double before, double after) {}

  /**
   * Moves the model's storage ratio (over every field, the OOV rows included, as {@link CtrModel#storage} counts
   * it) to the step closest to {@code target}; leaves the model alone when it is on that step already.
   */
  public static Steer steer(CtrModel model, double target) {
    List<AmtlMask> masks = new ArrayList<>();
    long fixed = 0;
    long fixedOther = 0; // fields without a mask keep every dim
    for (int f = 0; f < model.numFields(); f++) {
      long rows = model.vocabulary().field(f).stats().rows();
      fixed += rows * model.dim();
      if (model.embedding(f) instanceof AmtlEmbedding amtl) {
        masks.add(amtl.mask());
      } else {
        fixedOther += rows * model.dim();
      }
    }
    if (masks.isEmpty()) {
      throw new IllegalArgumentException("a storage target needs AMTL embeddings (model.embedding=amtl)");
    }
    Ratio ratio = new Ratio(masks.stream().map(AmtlMask::groupLogits).toList(), fixedOther, fixed);
    double before = ratio.at(0);
    double price = ratio.closestPrice(target);
    if (ratio.at(price) == before) {
      return new Steer(0, before, before);
    }
    masks.forEach(m -> m.addPrice(price));
    Ratio now = new Ratio(masks.stream().map(AmtlMask::groupLogits).toList(), fixedOther, fixed);
    return new Steer(price, before, now.at(0));
  }

  /** The storage ratio as a function of the price. */
  private record Ratio(List<AmtlMask.GroupLogits> fields, long keptOther, long fixed) {
    double at(double price) {
      long kept = keptOther;
      for (AmtlMask.GroupLogits g : fields) {
        kept += g.keptFloats(price);
      }
      return (double) kept / fixed;
    }

    // beyond +-bound every value keeps 1 dim (or d): z_0 - z_l >= -2 max|z| > -bound * l
    double bound() {
      double max = 0;
      for (AmtlMask.GroupLogits g : fields) {
        for (float z : g.logits()) {
          max = Math.max(max, Math.abs(z));
        }
      }
      return 2 * max + 1;
    }

    // the middle of the step of prices whose ratio comes closest to the target (the smaller ratio on a tie)
    double closestPrice(double target) {
      double bound = bound();
      double first = at(bound) <= target ? jump(-bound, bound, target) : bound; // the first step at or below
      double chosen = at(first);
      if (first > -bound) {
        double over = at(Math.nextDown(first)); // the last step above the target
        if (over - target < Math.abs(target - chosen)) {
          chosen = over;
        }
      }
      double start = jump(-bound, bound, chosen);
      double end = at(bound) < chosen ? jump(-bound, bound, Math.nextDown(chosen)) : bound;
      return start + (end - start) / 2; // inside the step, away from the ties at its ends
    }

    // the smallest price in [lo, hi] whose ratio is at most level (ratio(hi) <= level assumed)
    private double jump(double lo, double hi, double level) {
      if (at(lo) <= level) {
        return lo;
      }
      for (int i = 0; i < HALVINGS && Math.nextUp(lo) < hi; i++) {
        double mid = lo + (hi - lo) / 2;
        if (at(mid) <= level) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
      return hi;
    }
  }
}

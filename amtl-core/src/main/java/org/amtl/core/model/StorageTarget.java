package org.amtl.core.model;

import java.util.ArrayList;
import java.util.List;
import org.amtl.core.config.Keys;
import org.amtl.core.layers.AmtlEmbedding;
import org.amtl.core.layers.AmtlMask;

/**
 * Steers an AMTL model's storage to a target ratio ({@code amtl.budget.targetRatio}). Every value's dims are the
 * argmax of its mask logits; lowering the logit of "keep l + 1 dims" by price * (l + 1) is a price on each kept
 * float, and the storage ratio falls as the price rises. Each value's logits depend on its count alone, so the
 * ratio at any price follows from one row of logits per tie group of each field. {@link #steer} finds the price
 * whose storage comes closest to the target (by bisection: the ratio is a non-increasing step function of the
 * price), in the middle of that step, then moves single fields to their next steps while that brings the total
 * closer, and adds each field's price to its AMLs' output biases. Training tasks steer their copy every
 * {@code amtl.budget.steerEvery} batches, so the network trains on sizes near the target; the driver steers before
 * training and after every round's averaging, so the published table lands on it. With
 * {@code amtl.budget.rareFirst} = beta > 0 a value of mixing weight a (its normalized log count) pays
 * (1 + beta (1 - a)) times the price, so storage comes from rare values first. The arithmetic reads only the
 * model's parameters and the fields' statistics, so reruns, and sharded and broadcast runs, apply the same prices.
 */
public final class StorageTarget {
  private static final int HALVINGS = 80;

  private StorageTarget() {}

  /**
   * What one steer did: the price it set for every field before the per-field moves (0 when it left the model
   * alone), and the storage ratio before and after.
   */
  public record Steer(double price, double before, double after) {}

  /**
   * Moves the model's storage ratio (over every field, the OOV rows included, as {@link CtrModel#storage} counts
   * it) as close to {@code target} as the steps allow; leaves the model alone when it finds nothing closer.
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
    double rareFirst = model.config().getDouble(Keys.BUDGET_RARE_FIRST);
    List<AmtlMask.GroupLogits> logits = masks.stream().map(m -> m.groupLogits(rareFirst)).toList();
    Ratio ratio = new Ratio(logits, fixedOther, fixed);
    double before = ratio.at(0);
    double price = ratio.closestPrice(target);
    double[] prices = refinePerField(logits, fixedOther, fixed, price, target);
    long kept = fixedOther;
    for (int f = 0; f < logits.size(); f++) {
      kept += logits.get(f).keptFloats(prices[f]);
    }
    if (Math.abs(before - target) <= Math.abs((double) kept / fixed - target)) {
      return new Steer(0, before, before); // on the best step already
    }
    for (int f = 0; f < masks.size(); f++) {
      masks.get(f).addPrice(prices[f], rareFirst);
    }
    Ratio now = new Ratio(masks.stream().map(m -> m.groupLogits(rareFirst)).toList(), fixedOther, fixed);
    return new Steer(price, before, now.at(0));
  }

  /**
   * One price for every field leaves the ratio where a large tie group's step puts it (a field whose values are
   * mostly seen once moves by a large share of its rows at once). From there, moves one field at a time to its next
   * step up or down while that brings the total closer to the target: the fields' floats add up, so each move's
   * effect is exact. Returns each field's price.
   */
  private static double[] refinePerField(List<AmtlMask.GroupLogits> logits, long keptOther, long fixed, double price,
      double target) {
    int n = logits.size();
    double[] prices = new double[n];
    java.util.Arrays.fill(prices, price);
    long[] kept = new long[n];
    long total = keptOther;
    List<Ratio> fields = new ArrayList<>();
    for (int f = 0; f < n; f++) {
      fields.add(new Ratio(List.of(logits.get(f)), 0, fixed));
      kept[f] = logits.get(f).keptFloats(price);
      total += kept[f];
    }
    double[][] next = new double[n][]; // each field's neighbouring prices and their floats, while it stays put
    long[][] nextKept = new long[n][];
    for (int f = 0; f < n; f++) {
      next[f] = fields.get(f).neighbours(prices[f]);
      nextKept[f] = keptAt(logits.get(f), next[f]);
    }
    for (int move = 0; move < 4 * n; move++) {
      double best = Math.abs((double) total / fixed - target);
      int bestField = -1;
      int bestChoice = -1;
      for (int f = 0; f < n; f++) {
        for (int i = 0; i < next[f].length; i++) {
          double distance = Math.abs((double) (total - kept[f] + nextKept[f][i]) / fixed - target);
          if (distance < best) {
            best = distance;
            bestField = f;
            bestChoice = i;
          }
        }
      }
      if (bestField < 0) {
        break;
      }
      int f = bestField;
      total += nextKept[f][bestChoice] - kept[f];
      kept[f] = nextKept[f][bestChoice];
      prices[f] = next[f][bestChoice];
      next[f] = fields.get(f).neighbours(prices[f]);
      nextKept[f] = keptAt(logits.get(f), next[f]);
    }
    return prices;
  }

  private static long[] keptAt(AmtlMask.GroupLogits field, double[] prices) {
    long[] kept = new long[prices.length];
    for (int i = 0; i < prices.length; i++) {
      kept[i] = field.keptFloats(prices[i]);
    }
    return kept;
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
      return middle(chosen, bound);
    }

    // the middle of the prices whose ratio is r, away from the ties at the step's ends
    double middle(double r, double bound) {
      double start = jump(-bound, bound, r);
      double end = at(bound) < r ? jump(-bound, bound, Math.nextDown(r)) : bound;
      return start + (end - start) / 2;
    }

    // the middles of the steps next to the one at this price (one above, one below, where they exist)
    double[] neighbours(double price) {
      double bound = Math.max(bound(), Math.abs(price) + 1);
      double r = at(price);
      double start = jump(-bound, bound, r);
      List<Double> out = new ArrayList<>();
      if (start > -bound) {
        out.add(middle(at(Math.nextDown(start)), bound));
      }
      if (at(bound) < r) {
        out.add(middle(at(jump(-bound, bound, Math.nextDown(r))), bound));
      }
      return out.stream().mapToDouble(Double::doubleValue).toArray();
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

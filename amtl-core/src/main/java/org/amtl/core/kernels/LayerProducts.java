package org.amtl.core.kernels;

/**
 * The three products of a fully connected layer y = x W + b, with W (in x out) row-major: the forward x W, the
 * input gradient dy W^T and the weight gradient x^T dy. Each chooses here whether to skip a factor's zeros and
 * which one: a mostly-zero x (behind a ReLU) or dy (what a ReLU let through) has its zeros skipped, which leaves
 * every fma chain's other steps in order, so the floats are those of the dense product (for finite factors).
 * One instance per layer: it keeps the counts of non-zeros the forward and the input gradient took, which the
 * weight gradient uses to pick its sparse side, and a buffer for W^T. The non-zeros' scratch may be shared by the
 * layers of a network, whose products never nest. The {@link ProductRoute} says which products may go to netlib's
 * BLAS instead ({@link Blas}): all of them, skipping no zeros, or only those our kernel would run dense.
 */
public final class LayerProducts {
  private final SparseRows sparse;
  private float[] wT = new float[0]; // W transposed, for a dense dx = dy W^T; else dW^T when dy is the sparse side
  private int xNonZeros; // x's non-zeros as the forward counted them; -1 when its product was too narrow to skip
  private int dyNonZeros = -1; // dy's, as the input gradient counted them; -1 before it or without one

  /**
   * Against a native BLAS (train.kernels=auto), the share of zeros from which our kernel skipping them is faster,
   * per product: measured at the reference model's shapes with OpenBLAS 0.3.21 on one thread (benchmarks'
   * {@code ProductTimes}, AVX-512), skipping overtook it at 49-51% zeros in the forward and the weight gradient and
   * at 56-64% in the input gradient. Against our dense kernel it pays from {@link Gemm#ZERO_SHARE_TO_SKIP}.
   */
  static final double FORWARD_ZEROS_AGAINST_BLAS = 0.5;
  static final double INPUT_GRADIENT_ZEROS_AGAINST_BLAS = 0.62;
  static final double WEIGHT_GRADIENT_ZEROS_AGAINST_BLAS = 0.5;

  private final ProductRoute route;
  // zeros from which skipping beats the dense path this route takes, per product
  private final double forwardShare;
  private final double inputGradientShare;
  private final double weightGradientShare;

  public LayerProducts(SparseRows sparse, ProductRoute route) {
    this.sparse = sparse;
    this.route = route;
    boolean blas = route.denseThroughBlas();
    this.forwardShare = blas ? FORWARD_ZEROS_AGAINST_BLAS : Gemm.ZERO_SHARE_TO_SKIP;
    this.inputGradientShare = blas ? INPUT_GRADIENT_ZEROS_AGAINST_BLAS : Gemm.ZERO_SHARE_TO_SKIP;
    this.weightGradientShare = blas ? WEIGHT_GRADIENT_ZEROS_AGAINST_BLAS : Gemm.ZERO_SHARE_TO_SKIP;
  }

  /** y += x W, x (batch x in), W at {@code w[wOff]}; y holds the bias. Starts a step. */
  public void forward(float[] x, float[] w, int wOff, float[] y, int batch, int in, int out) {
    dyNonZeros = -1;
    if (!route.denseThroughBlas()) {
      xNonZeros = Gemm.get().multiplySkippingZeros(sparse, x, 0, in, 1, w, wOff, y, 0, batch, in, out, true);
      return;
    }
    xNonZeros = route.skipsZeros() ? Gemm.get().markAndCount(sparse, x, 0, in, 1, batch, in, out) : -1;
    if (Gemm.mostlyZeros(xNonZeros, batch, in, forwardShare)) {
      Gemm.get().multiply(sparse, w, wOff, y, 0, out, true);
    } else {
      Blas.multiply(false, false, batch, out, in, x, 0, in, w, wOff, out, y, 0, out, true);
    }
  }

  /** dx = dy W^T, dy (batch x out), dx (batch x in). Call before {@link #weightGradient} of the same step. */
  public void inputGradient(float[] dy, float[] w, int wOff, float[] dx, int batch, int in, int out) {
    Gemm gemm = Gemm.get();
    // the sparse product reads W as B transposed; the dense one wants W^T stored (BLAS reads it transposed)
    dyNonZeros = route.skipsZeros() ? gemm.markAndCount(sparse, dy, 0, out, 1, batch, out, in) : -1;
    if (Gemm.mostlyZeros(dyNonZeros, batch, out, inputGradientShare)) {
      gemm.multiply(sparse, w, wOff, 1, out, dx, 0, in, false);
    } else if (route.denseThroughBlas()) {
      Blas.multiply(false, true, batch, in, out, dy, 0, out, w, wOff, out, dx, 0, in, false);
    } else {
      Gemm.transpose(w, wOff, in, out, transposeBuffer(in, out));
      gemm.multiply(dy, 0, wT, 0, dx, 0, batch, out, in, false);
    }
  }

  /**
   * dW += x^T dy into {@code g[wOff]}, skipping the zeros of x or of dy, whichever has more, as the forward and the
   * input gradient counted them (dy is counted here when there was no input gradient): only the side chosen is
   * marked again, transposed. The dy side computes dW^T = dy^T x into the W^T buffer (the input gradient is done
   * with it), the same fma chains from zero, and adds it transposed (the same floats, as a step's dW starts at
   * zero).
   */
  public void weightGradient(float[] x, float[] dy, float[] g, int wOff, int batch, int in, int out) {
    if (!route.skipsZeros()) {
      blasWeightGradient(x, dy, g, wOff, batch, in, out);
      dyNonZeros = -1;
      return;
    }
    Gemm gemm = Gemm.get();
    boolean dyCountedHere = dyNonZeros < 0; // no input gradient this step: dy is counted here, as its side wants
    if (dyCountedHere) {
      dyNonZeros = gemm.markAndCount(sparse, dy, 0, 1, out, out, batch, in);
    }
    boolean skipX = Gemm.mostlyZeros(xNonZeros, batch, in, weightGradientShare);
    boolean skipDy = Gemm.mostlyZeros(dyNonZeros, batch, out, weightGradientShare);
    if (skipX && (!skipDy || xNonZeros <= dyNonZeros)) {
      gemm.markAndCount(sparse, x, 0, 1, in, in, batch, out);
      gemm.multiply(sparse, dy, 0, g, wOff, out, true);
    } else if (skipDy) {
      if (!dyCountedHere) {
        gemm.markAndCount(sparse, dy, 0, 1, out, out, batch, in);
      }
      gemm.multiply(sparse, x, 0, transposeBuffer(in, out), 0, in, false);
      Gemm.addTransposed(wT, out, in, g, wOff);
    } else if (route.denseThroughBlas()) {
      blasWeightGradient(x, dy, g, wOff, batch, in, out);
    } else {
      gemm.multiplyTransposedA(x, 0, dy, 0, g, wOff, in, batch, out, true);
    }
    dyNonZeros = -1;
  }

  // dW += x^T dy through netlib: x read transposed in place
  private static void blasWeightGradient(float[] x, float[] dy, float[] g, int wOff, int batch, int in, int out) {
    Blas.multiply(true, false, in, out, batch, x, 0, in, dy, 0, out, g, wOff, out, true);
  }

  private float[] transposeBuffer(int in, int out) {
    if (wT.length < in * out) {
      wT = new float[in * out];
    }
    return wT;
  }
}

package org.amtl.core.layers;

import java.util.ArrayList;
import java.util.List;
import org.amtl.core.kernels.SparseRows;

/** Dense layers with ReLU between them; the last layer is linear. */
public final class Mlp {
  private final List<Dense> layers = new ArrayList<>();
  private final List<Relu> relus = new ArrayList<>();
  // the scratch for the non-zeros of products' left factors, shared by the layers: each product marks and is done
  private final SparseRows sparse = new SparseRows();

  /** widths = {in, hidden..., out}. */
  public Mlp(DenseParams params, String name, int... widths) {
    if (widths.length < 2) {
      throw new IllegalArgumentException("MLP '" + name + "' widths length = " + widths.length + " (expected >= 2)");
    }
    for (int l = 0; l + 1 < widths.length; l++) {
      layers.add(new Dense(params, name + ".l" + l, widths[l], widths[l + 1], sparse));
      if (l + 2 < widths.length) {
        relus.add(new Relu());
      }
    }
  }

  public List<Dense> layers() {
    return layers;
  }

  public int out() {
    return layers.get(layers.size() - 1).out();
  }

  // x: (B, in) -> y: (B, out)
  public float[] forward(float[] x, int batch) {
    return fromFirstLayer(layers.get(0).forward(x, batch), batch);
  }

  // x: one-hot column per row (B) then t dense inputs (B, t), see Dense.forwardOneHot -> y: (B, out)
  public float[] forwardOneHot(int[] hot, float[] tail, int t, int batch) {
    return fromFirstLayer(layers.get(0).forwardOneHot(hot, tail, t, batch), batch);
  }

  // the first layer's output -> the MLP's output
  private float[] fromFirstLayer(float[] h, int batch) {
    for (int l = 0; l < layers.size(); l++) {
      if (l > 0) {
        h = layers.get(l).forward(h, batch);
      }
      if (l < relus.size()) {
        h = relus.get(l).forward(h, batch * layers.get(l).out());
      }
    }
    return h;
  }

  // dy: (B, out) -> dx: (B, in), or null when not needed
  public float[] backward(float[] dy, boolean needInputGrad) {
    float[] g = dy;
    for (int l = layers.size() - 1; l >= 0; l--) {
      if (l < relus.size()) {
        g = relus.get(l).backward(g);
      }
      g = layers.get(l).backward(g, l > 0 || needInputGrad);
    }
    return g;
  }
}

/**
 * The layers, each one class with {@code forward} and {@code backward} side by side. Backward passes add into
 * gradient buffers ({@code +=}); one {@code zeroGrad} per step clears them. Dense parameters live in one flat
 * {@link org.amtl.core.layers.DenseParams} block; embedding rows live in
 * {@link org.amtl.core.layers.EmbeddingTable}s with sparse row gradients and per-row Adagrad state.
 * All arithmetic is in float; the products and the softmax run on {@link org.amtl.core.kernels}.
 */
package org.amtl.core.layers;

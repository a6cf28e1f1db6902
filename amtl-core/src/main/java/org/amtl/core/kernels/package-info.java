/**
 * The arithmetic kernels the layers run on, apart from the model's math: the matrix product
 * ({@link org.amtl.core.kernels.Gemm}, vectorised in {@code VectorGemm}, with zero-skipping over
 * {@link org.amtl.core.kernels.SparseRows}), the row softmax ({@link org.amtl.core.kernels.Softmax}) and its float
 * exponential ({@link org.amtl.core.kernels.FloatExp}). Each has a scalar reference and a Vector API form that
 * give the same floats; the vectorised one is used when the JVM has {@code jdk.incubator.vector}.
 */
package org.amtl.core.kernels;

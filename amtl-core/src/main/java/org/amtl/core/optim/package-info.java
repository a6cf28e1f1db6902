/**
 * Optimizers. Sign convention, stated once: every optimizer does descent, w -= step(g), on gradients of the mean
 * batch loss. Adam/SGD update the flat dense block; Adagrad updates only the embedding rows a batch touched,
 * with its accumulators stored beside the rows.
 */
package org.amtl.core.optim;

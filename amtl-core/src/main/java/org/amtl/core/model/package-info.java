/**
 * CTR models built from the layers: {@link org.amtl.core.model.CtrModel} (any embedding variant under any head),
 * and {@link org.amtl.core.model.ModelState}, the copyable, averageable, serializable snapshot of its trainable
 * state.
 */
package org.amtl.core.model;

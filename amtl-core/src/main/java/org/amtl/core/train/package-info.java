/**
 * The local trainer: a seeded minibatch loop over encoded examples, the same code each Spark partition runs, and
 * evaluation into mergeable summaries.
 */
package org.amtl.core.train;

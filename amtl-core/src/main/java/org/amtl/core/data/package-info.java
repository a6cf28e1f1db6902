/**
 * Vocabularies (value to row id, ordered by count, with one OOV row), the frequency features that drive the
 * AMTL mask, encoded examples and minibatches, and a synthetic click-log generator with a planted model.
 */
package org.amtl.core.data;

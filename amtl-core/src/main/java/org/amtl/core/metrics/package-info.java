/**
 * Evaluation metrics as mergeable summaries: partial results from partitions combine exactly
 * ({@code merge(other)}), so the AUC is computed over all scores, never averaged.
 */
package org.amtl.core.metrics;

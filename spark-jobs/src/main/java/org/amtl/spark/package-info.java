/**
 * The Spark jobs (import, frequency, train, evaluate, export, inspect). Not built yet: the nightly training job
 * is tracked as its own issue and will run {@link org.amtl.core.train.LocalTrainer} inside each partition.
 */
package org.amtl.spark;

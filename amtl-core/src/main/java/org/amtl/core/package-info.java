/**
 * Pure-Java core of AMTL: the model, its layers and baselines, optimizers, metrics and the local trainer that
 * Spark workers run. No Spark dependency.
 */
package org.amtl.core;

/**
 * Small shared helpers: seed derivation, primitive int maps, and the choice between a kernel's Vector API and scalar
 * implementations.
 */
package org.amtl.core.util;

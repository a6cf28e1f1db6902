/**
 * Small shared helpers: seed derivation, primitive int maps, a string index and a string sort for vocabularies, the
 * choice between a kernel's Vector API and scalar implementations, and where an array's elements start relative to
 * a cache line.
 */
package org.amtl.core.util;

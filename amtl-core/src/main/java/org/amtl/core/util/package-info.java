/** Small shared helpers: seed derivation and a primitive int map. */
package org.amtl.core.util;

/** Small shared helpers: seed derivation, a primitive int map, argument checks. */
package org.amtl.core.util;

/** The one typed table of configuration keys ({@link org.amtl.core.config.Keys}) and its loader. */
package org.amtl.core.config;

/** A runnable local demonstration: trains FBE and AMTL on a generated click log and prints what they learned. */
package org.amtl.core.demo;

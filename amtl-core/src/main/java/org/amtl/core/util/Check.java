package org.amtl.core.util;

/** Argument checks whose messages name the value and what was expected. */
public final class Check {
  private Check() {}

  public static void argument(boolean ok, String what, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(what + " = " + value + " (expected " + expected + ")");
    }
  }

  public static void finite(double value, String what) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(what + " = " + value + " (expected a finite number)");
    }
  }
}

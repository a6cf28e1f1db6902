package org.amtl.spark;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/**
 * The bytes of live objects in this JVM, by the JVM's own class histogram (the {@code GC.class_histogram}
 * diagnostic command, which runs a full collection first): exact object sizes, unlike the used heap, which also
 * counts the unused tails of the regions that hold large arrays. Split into the array kinds the job's memory is
 * made of: float[] (parameters, optimizer state, frequency features), int[] (encoded examples), byte[] and long[],
 * and the largest other classes ({@code others}: up to {@link #OTHERS} "class=bytes", largest first).
 */
record LiveObjects(long total, long floatArrays, long intArrays, long byteArrays, long longArrays, String others) {
  static final int OTHERS = 4;

  /** Takes a histogram now (a full collection: do not call it on a timed path). */
  static LiveObjects take() {
    String histogram;
    try {
      histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
    } catch (javax.management.JMException e) {
      throw new IllegalStateException("class histogram not available: " + e.getMessage(), e);
    }
    long total = 0;
    long[] arrays = new long[4];
    java.util.List<String> others = new java.util.ArrayList<>();
    java.util.List<String> kinds = java.util.List.of("[F", "[I", "[B", "[J");
    for (String line : histogram.split("\n")) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length >= 3 && cols[0].equals("Total")) {
        total = Long.parseLong(cols[2]);
      } else if (cols.length >= 4 && cols[0].endsWith(":")) {
        int k = kinds.indexOf(cols[3]);
        if (k >= 0) {
          arrays[k] += Long.parseLong(cols[2]);
        } else if (others.size() < OTHERS) { // the histogram lists classes by bytes, largest first
          others.add(cols[3] + "=" + cols[2]);
        }
      }
    }
    return new LiveObjects(total, arrays[0], arrays[1], arrays[2], arrays[3], String.join(",", others));
  }

  /** One line: epoch millis, the five byte counts, then the largest other classes. */
  String line(long millis) {
    return millis + " " + total + " " + floatArrays + " " + intArrays + " " + byteArrays + " " + longArrays + " "
        + others;
  }

  static LiveObjects parse(String[] cols) {
    return new LiveObjects(Long.parseLong(cols[1]), Long.parseLong(cols[2]), Long.parseLong(cols[3]),
        Long.parseLong(cols[4]), Long.parseLong(cols[5]), cols.length > 6 ? cols[6] : "");
  }

  /** The byte counts above {@code o}'s; the largest other classes stay this sample's (with their whole sizes). */
  LiveObjects minus(LiveObjects o) {
    return new LiveObjects(total - o.total, floatArrays - o.floatArrays, intArrays - o.intArrays,
        byteArrays - o.byteArrays, longArrays - o.longArrays, others);
  }

  /** The largest other classes as "name N MB", comma-separated. */
  String othersInMegabytes() {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String entry : others.isEmpty() ? new String[0] : others.split(",")) {
      int eq = entry.lastIndexOf('=');
      out.add(String.format(java.util.Locale.ROOT, "%s %.0f MB", entry.substring(0, eq),
          Long.parseLong(entry.substring(eq + 1)) / 1e6));
    }
    return String.join(", ", out);
  }
}

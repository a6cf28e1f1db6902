package org.amtl.spark;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/**
 * The bytes of live objects in this JVM, by the JVM's own class histogram (the {@code GC.class_histogram}
 * diagnostic command, which runs a full collection first): exact object sizes, unlike the used heap, which also
 * counts the unused tails of the regions that hold large arrays. Split into the array kinds the job's memory is
 * made of: float[] (parameters, optimizer state, frequency features), int[] (encoded examples), byte[] and long[].
 */
record LiveObjects(long total, long floatArrays, long intArrays, long byteArrays, long longArrays) {
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
    String[] kinds = {"[F", "[I", "[B", "[J"};
    for (String line : histogram.split("\n")) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length >= 3 && cols[0].equals("Total")) {
        total = Long.parseLong(cols[2]);
      } else if (cols.length >= 4 && cols[0].endsWith(":")) {
        for (int k = 0; k < kinds.length; k++) {
          if (cols[3].equals(kinds[k])) {
            arrays[k] += Long.parseLong(cols[2]);
          }
        }
      }
    }
    return new LiveObjects(total, arrays[0], arrays[1], arrays[2], arrays[3]);
  }

  /** One line: epoch millis, then the five byte counts. */
  String line(long millis) {
    return millis + " " + total + " " + floatArrays + " " + intArrays + " " + byteArrays + " " + longArrays;
  }

  static LiveObjects parse(String[] cols) {
    return new LiveObjects(Long.parseLong(cols[1]), Long.parseLong(cols[2]), Long.parseLong(cols[3]),
        Long.parseLong(cols[4]), Long.parseLong(cols[5]));
  }

  LiveObjects minus(LiveObjects o) {
    return new LiveObjects(total - o.total, floatArrays - o.floatArrays, intArrays - o.intArrays,
        byteArrays - o.byteArrays, longArrays - o.longArrays);
  }
}

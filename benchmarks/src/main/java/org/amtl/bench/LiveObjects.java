package org.amtl.bench;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/**
 * The bytes of live objects in this JVM, by the JVM's own class histogram (the {@code GC.class_histogram}
 * diagnostic command, which runs a full collection first): exact object sizes, unlike the used heap, which also
 * counts the unused tails of the regions that hold large arrays. Split into the array kinds the job's memory is
 * made of: float[] (parameters, optimizer state, frequency features), int[] (encoded examples), byte[] and long[],
 * and the largest other classes ({@code others}: up to {@link #OTHERS} "class=bytes", largest first).
 *
 * <p>HotSpot skips the histogram's collection while a thread holds the GC locker (inside a JNI critical region, as
 * native decompression of Parquet pages is) and then counts dead objects too ("GC locker is held; pre-dump GC was
 * skipped" in the JVM's log), which made a worker's peak jump from run to run. {@link #take} repeats the histogram
 * until a full collection ran before it.
 */
record LiveObjects(long total, long floatArrays, long intArrays, long byteArrays, long longArrays, String others) {
  static final int OTHERS = 4;

  static final int ATTEMPTS = 50;

  /** Takes a histogram now, after a full collection (do not call it on a timed path). */
  static LiveObjects take() {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      long before = fullCollections();
      String histogram = histogram();
      if (fullCollections() > before) {
        return fromHistogram(histogram);
      }
      try {
        Thread.sleep(20); // the GC locker is held for the span of one native call
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IllegalStateException("no full collection counted before the class histogram in " + ATTEMPTS
        + " attempts (counted by the G1, Parallel or Serial collector's old-generation bean): the sample would count"
        + " dead objects");
  }

  /** Full collections so far, by the collectors that compact the whole heap (G1's, Parallel's and Serial's). */
  private static long fullCollections() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .filter(b -> b.getName().matches(".*(Old Generation|MarkSweep).*"))
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount).sum();
  }

  private static String histogram() {
    try {
      return (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
    } catch (javax.management.JMException e) {
      throw new IllegalStateException("class histogram not available: " + e.getMessage(), e);
    }
  }

  private static LiveObjects fromHistogram(String histogram) {
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

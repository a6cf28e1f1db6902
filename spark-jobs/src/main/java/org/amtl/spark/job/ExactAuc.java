package org.amtl.spark.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.amtl.core.metrics.AucArea;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * The exact AUCs of an evaluation (over the whole test split, and per field and frequency bucket) merged by Spark,
 * not on the driver: every distinct score of every partition's summary, with its positive and negative counts, is
 * summed by (AUC, score) in a shuffle (integer counts: the same in any arrival order), sorted by score, and each
 * sorted partition returns one {@link AucArea} per AUC it holds, which the driver joins in partition order. The
 * driver so holds a few longs per partition and AUC, where a merge of the summaries held every distinct score of
 * the test split, once overall and once per field (16 to 20 bytes each).
 */
final class ExactAuc {
  private ExactAuc() {}

  /**
   * The areas of the summaries in {@code files} ({@link EvalPart}s): index 0 the whole split, 1 + f x buckets + b
   * field f's bucket b.
   */
  static AucArea[] merge(JavaSparkContext sc, ModelExchange exchange, List<String> files, int fields, int buckets) {
    return merge(sc.parallelize(files, files.size()).flatMapToPair(file -> entries(exchange, file, buckets).iterator()),
        files.size(), 1 + fields * buckets);
  }

  /**
   * The areas of {@code aucs} AUCs from their (AUC index and score ({@link #key}), [positives, negatives]) entries,
   * which may repeat a key; sorted into {@code partitions} partitions.
   */
  static AucArea[] merge(JavaPairRDD<Long, long[]> entries, int partitions, int aucs) {
    List<long[]> parts = entries
        .reduceByKey(ExactAuc::add)
        .sortByKey(true, partitions)
        .mapPartitionsWithIndex(ExactAuc::areasOfSortedPartition, true)
        .collect();
    AucArea[] areas = new AucArea[aucs];
    java.util.Arrays.fill(areas, AucArea.EMPTY);
    for (long[] p : parts) { // partition order, and within a partition ascending AUC index
      int auc = (int) p[1];
      areas[auc] = areas[auc].then(new AucArea(p[2], p[3], p[4]));
    }
    return areas;
  }

  /** A part file's distinct scores as (AUC index and score, [positives, negatives]). */
  private static List<Tuple2<Long, long[]>> entries(ModelExchange exchange, String file, int buckets)
      throws IOException {
    List<Tuple2<Long, long[]>> out = new ArrayList<>();
    exchange.readPart(file, in -> EvalPart.stream(in, buckets,
        (auc, score, p, q) -> out.add(new Tuple2<>(key(auc, score), new long[] {p, q}))));
    return out;
  }

  /** The sort key of a score in AUC {@code auc}: the AUC's index, then the score in {@link Float#compare} order. */
  static long key(int auc, float score) {
    int bits = Float.floatToIntBits(score);
    int sortable = bits ^ ((bits >> 31) & 0x7fffffff); // negative floats' bits run the other way
    return ((long) auc << 32) | ((long) sortable - Integer.MIN_VALUE);
  }

  private static long[] add(long[] a, long[] b) {
    return new long[] {a[0] + b[0], a[1] + b[1]};
  }

  /** A sorted partition -> per AUC it holds: [partition, AUC index, positives, negatives, twice area]. */
  private static Iterator<long[]> areasOfSortedPartition(int partition, Iterator<Tuple2<Long, long[]>> sorted) {
    List<long[]> out = new ArrayList<>();
    int current = -1;
    AucArea area = AucArea.EMPTY;
    while (sorted.hasNext()) {
      Tuple2<Long, long[]> e = sorted.next();
      int auc = (int) (e._1() >>> 32);
      if (auc != current) {
        if (current >= 0) {
          out.add(new long[] {partition, current, area.positives(), area.negatives(), area.twiceArea()});
        }
        current = auc;
        area = AucArea.EMPTY;
      }
      area = area.plus(e._2()[0], e._2()[1]);
    }
    if (current >= 0) {
      out.add(new long[] {partition, current, area.positives(), area.negatives(), area.twiceArea()});
    }
    return out.iterator();
  }
}

package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.amtl.core.data.Batch;
import org.amtl.core.data.FrequencyFeatures;
import org.amtl.core.data.SyntheticClickLog;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.metrics.BucketedAuc;
import org.amtl.core.metrics.EvalSummary;
import org.amtl.spark.SparkTestSupport;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An evaluation's partitions merged by Spark (the driver never holding the test split's scores) give the figures a
 * merge of the whole summaries on one JVM gives, bit for bit: AUC overall and per (field, bucket), counts, logloss
 * and calibration. Scores are coarse so that many tie, within and across partitions.
 */
class ExactAucTest {
  static final int FIELDS = 3;
  static final int BUCKETS = 24;
  static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTestSupport.session("local[2]");
  }

  @AfterAll
  static void stop() {
    SparkTestSupport.stop(spark);
  }

  @Test
  void sparkMergesThePartitionsAsOneJvmWould() throws Exception {
    List<SyntheticClickLog.Row> rows = new SyntheticClickLog(FIELDS, 400, 1.1, 8, 3.0, 5).generate(6000, 1, "x");
    Vocabulary vocab = SyntheticClickLog.vocabulary(rows, FIELDS, 1);
    FrequencyFeatures[] features = new FrequencyFeatures[FIELDS];
    for (int f = 0; f < FIELDS; f++) {
      features[f] = FrequencyFeatures.of(vocab.field(f), BUCKETS);
    }
    int[] rowsPerField = new int[FIELDS];
    for (int f = 0; f < FIELDS; f++) {
      rowsPerField[f] = vocab.field(f).rows();
    }
    var encoded = SyntheticClickLog.encode(rows, vocab);
    ModelExchange exchange = new ModelExchange(new org.apache.hadoop.fs.Path(dir.resolve("x").toUri()),
        new Configuration());
    Random random = new Random(11);
    EvalSummary expected = new EvalSummary();
    BucketedAuc expectedBuckets = new BucketedAuc(FIELDS, BUCKETS);
    List<String> files = new ArrayList<>();
    int partitions = 5;
    for (int p = 0; p < partitions; p++) {
      var part = encoded.subList(p * 1200, (p + 1) * 1200);
      Batch batch = Batch.of(part, rowsPerField);
      float[] scores = new float[part.size()];
      for (int i = 0; i < scores.length; i++) { // coarse: many ties; positives score higher on average
        scores[i] = Math.round(100 * Math.min(1, Math.max(0, 0.3 * batch.label(i) + 0.7 * random.nextFloat()))) / 100f;
      }
      EvalSummary s = new EvalSummary().add(scores, batch.labels(), scores.length);
      BucketedAuc b = new BucketedAuc(FIELDS, BUCKETS).add(batch, scores, features);
      files.add(exchange.writePart("eval-1", p, 0, EvalPart::write, new EvalPart(p, s, b)));
      expected.merge(exchange.readPart(files.get(p), EvalPart::read).summary());
      expectedBuckets.merge(exchange.readPart(files.get(p), EvalPart::read).perBucket());
    }

    EvalStage.Result merged = EvalStage.merge(JavaSparkContext.fromSparkContext(spark.sparkContext()), exchange,
        "eval-1", files, FIELDS, BUCKETS);
    assertEquals(6000, merged.summary().count());
    assertEquals(Double.doubleToLongBits(expected.auc()), Double.doubleToLongBits(merged.summary().auc()));
    assertEquals(Double.doubleToLongBits(expected.logloss()), Double.doubleToLongBits(merged.summary().logloss()));
    assertEquals(Double.doubleToLongBits(expected.calibration()),
        Double.doubleToLongBits(merged.summary().calibration()));
    int nonEmpty = 0;
    for (int f = 0; f < FIELDS; f++) {
      for (int b = 0; b < BUCKETS; b++) {
        assertEquals(expectedBuckets.count(f, b), merged.perBucket().count(f, b), "field " + f + " bucket " + b);
        assertEquals(Double.doubleToLongBits(expectedBuckets.auc(f, b)),
            Double.doubleToLongBits(merged.perBucket().auc(f, b)), "field " + f + " bucket " + b);
        nonEmpty += expectedBuckets.count(f, b) > 0 ? 1 : 0;
      }
    }
    assertEquals(true, nonEmpty > 2 * FIELDS, "several buckets per field hold examples: " + nonEmpty);
    assertFalse(Files.exists(dir.resolve("x/eval-1")), "the parts are removed once merged");
  }
}

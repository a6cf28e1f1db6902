package org.amtl.spark.job;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.amtl.core.metrics.AucArea;
import org.amtl.core.metrics.EvalSummary;
import org.amtl.core.table.TableScorer;
import org.amtl.spark.io.InputStage;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * Scores a log with a published table on the executors ({@link TableScorer}, loaded once per executor and task
 * slot), writes the scores as Parquet, and evaluates them exactly when the log has labels.
 */
public final class ScoreStage {
  /** The column of the click probability. */
  public static final String PROBABILITY = "probability";

  /** The format name in a scores manifest. */
  public static final String FORMAT = "amtl-scores";

  /** The folder of the scores' Parquet files inside the published folder (beside manifest.json). */
  public static final String DATA = "scores";

  /** Rows scored in one forward pass. */
  static final int BATCH = 1024;

  /** Loaded scorers by table path, each used by one task at a time, kept for the executor's life. */
  private static final Map<String, Queue<TableScorer>> IDLE = new ConcurrentHashMap<>();

  /** The scored rows (kept columns, probability, label if any), cached; and their evaluation. */
  public record Scored(Dataset<Row> rows, int partitions) {
    /** The exact AUC, logloss and calibration of the scores against the label column. */
    public EvalSummary metrics() {
      Dataset<Row> pairs = rows.select(rows.col(PROBABILITY), rows.col(InputStage.LABEL));
      EvalSummary figures = new EvalSummary();
      for (byte[] part : pairs.javaRDD().mapPartitions(ScoreStage::figuresOf).collect()) {
        try {
          figures.merge(EvalSummary.read(new DataInputStream(new ByteArrayInputStream(part))));
        } catch (IOException e) {
          throw new IllegalStateException("a partition's evaluation could not be read back", e);
        }
      }
      AucArea[] area = ExactAuc.merge(pairs.javaRDD().mapToPair(r -> new Tuple2<>(ExactAuc.key(0, r.getFloat(0)),
          r.getFloat(1) == 1f ? new long[] {1, 0} : new long[] {0, 1})), partitions, 1);
      return figures.withArea(area[0]);
    }
  }

  private ScoreStage() {}

  /** The name of field f's column in the rows handed to {@link #score}. */
  public static String fieldColumn(int f) {
    return "_f" + f;
  }

  /**
   * Scores {@code selected} (the kept columns, then {@link #fieldColumn}s 0..fields-1 as the training job reads
   * them, then the label when {@code labelled}) with the table at {@code table}.
   */
  public static Scored score(Dataset<Row> selected, List<String> keep, int fields, Path table, boolean labelled) {
    StructType out = new StructType();
    for (String k : keep) {
      out = out.add(selected.schema().apply(k));
    }
    out = out.add(PROBABILITY, DataTypes.FloatType, false);
    if (labelled) {
      out = out.add(InputStage.LABEL, DataTypes.FloatType, true);
    }
    SerializableConfiguration conf = new SerializableConfiguration(selected.sparkSession().sparkContext()
        .hadoopConfiguration());
    Dataset<Row> scored = selected.mapPartitions(new ScoreTask(table.toString(), conf, keep.size(), fields,
        labelled), Encoders.row(out)).persist(StorageLevel.MEMORY_AND_DISK());
    return new Scored(scored, selected.rdd().getNumPartitions());
  }

  /** One partition's rows with their probabilities appended, scored {@value #BATCH} at a time. */
  static final class ScoreTask implements MapPartitionsFunction<Row, Row> {
    private final String table;
    private final SerializableConfiguration conf;
    private final int kept;
    private final int fields;
    private final boolean labelled;

    ScoreTask(String table, SerializableConfiguration conf, int kept, int fields, boolean labelled) {
      this.table = table;
      this.conf = conf;
      this.kept = kept;
      this.fields = fields;
      this.labelled = labelled;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws IOException {
      TableScorer scorer = lease(table, conf);
      return new Iterator<>() { // lazy: one batch in memory at a time
        private final List<Row> scored = new ArrayList<>(BATCH);
        private int next;

        @Override
        public boolean hasNext() {
          if (next < scored.size()) {
            return true;
          }
          scored.clear();
          next = 0;
          if (!rows.hasNext()) {
            IDLE.computeIfAbsent(table, t -> new ConcurrentLinkedQueue<>()).add(scorer); // done: free for the next
            return false;
          }
          scoreBatch();
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return scored.get(next++);
        }

        private void scoreBatch() {
          List<Row> batch = new ArrayList<>(BATCH);
          while (batch.size() < BATCH && rows.hasNext()) {
            batch.add(rows.next());
          }
          List<Object[]> values = new ArrayList<>(batch.size());
          for (Row r : batch) {
            Object[] v = new Object[fields];
            for (int f = 0; f < fields; f++) {
              v[f] = r.isNullAt(kept + f) ? null : r.get(kept + f) instanceof String s ? s : r.getList(kept + f);
            }
            values.add(v);
          }
          float[] p = scorer.predictByIndex(values);
          for (int i = 0; i < batch.size(); i++) {
            Row r = batch.get(i);
            Object[] o = new Object[kept + 1 + (labelled ? 1 : 0)];
            for (int k = 0; k < kept; k++) {
              o[k] = r.get(k);
            }
            o[kept] = p[i];
            if (labelled) {
              o[kept + 1] = r.get(kept + fields);
            }
            scored.add(RowFactory.create(o));
          }
        }
      };
    }
  }

  /** A scorer of the table for this task: an idle one of this executor, or a new one. */
  private static TableScorer lease(String table, SerializableConfiguration conf) throws IOException {
    TableScorer idle = IDLE.computeIfAbsent(table, t -> new ConcurrentLinkedQueue<>()).poll();
    return idle != null ? idle : TableScorer.load(new Path(table), conf.value());
  }

  /** A partition's (probability, label) rows -> its loss and calibration sums (scores dropped), serialized. */
  private static Iterator<byte[]> figuresOf(Iterator<Row> rows) throws IOException {
    EvalSummary s = new EvalSummary();
    float[] p = new float[BATCH];
    float[] y = new float[BATCH];
    int n = 0;
    while (rows.hasNext()) {
      Row r = rows.next();
      p[n] = r.getFloat(0);
      y[n] = r.getFloat(1);
      if (++n == BATCH || !rows.hasNext()) {
        s.add(p, y, n);
        n = 0;
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    s.withoutScores().write(new DataOutputStream(bytes));
    return List.of(bytes.toByteArray()).iterator();
  }

  /**
   * Writes the scores as Parquet into {@code dir}/{@value #DATA}, the files named {@code part-NNNNN.parquet} by
   * partition (Spark's own names carry a random job id); returns their paths relative to {@code dir}.
   */
  public static List<String> write(Dataset<Row> scores, Path dir, FileSystem fs) throws IOException {
    Path written = new Path(dir, "_spark");
    scores.write().parquet(written.toString());
    List<String> files = new ArrayList<>();
    FileStatus[] parts = fs.globStatus(new Path(written, "part-*.parquet"));
    java.util.Arrays.sort(parts, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    for (FileStatus part : parts) {
      String name = String.format(java.util.Locale.ROOT, DATA + "/part-%05d.parquet", files.size());
      fs.mkdirs(new Path(dir, DATA));
      if (!fs.rename(part.getPath(), new Path(dir, name))) {
        throw new IOException("could not rename " + part.getPath() + " to " + new Path(dir, name));
      }
      files.add(name);
    }
    fs.delete(written, true);
    return files;
  }
}

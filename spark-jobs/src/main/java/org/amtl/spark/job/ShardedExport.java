package org.amtl.spark.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.Optional;
import org.amtl.core.data.FieldStats;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.ModelState;
import org.amtl.core.table.TableFormat;
import org.amtl.core.table.TableSummary;
import org.amtl.core.table.TableWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * Writes the table of a run whose rows are in shards, with the bytes {@link TableWriter#write} gives the same
 * model on the driver: each embedding part (ids [k R, (k + 1) R) of a field) is written by one task, which receives
 * the part's rows sorted by id with their values, and stores them through a model over those rows and the
 * driver's dense state (which the kept dims need); the dense file is written by the driver and the frequencies by
 * one task that reads the sorted ids. Each part's task returns its summary; the driver adds them up.
 */
final class ShardedExport {
  private ShardedExport() {}

  /**
   * The table write of {@code rows} (keyed as {@link RowShards} keys them), whose values are in {@code ids}
   * ({@link VocabularyIds#SCHEMA}), with the driver's {@code dense} part, published through {@code exchange}.
   */
  static ExportStage.TableWrite of(JavaPairRDD<Long, ShardRow> rows, Dataset<Row> ids, RowShards.SliceSpec spec,
      CtrModel dense, ModelExchange exchange, int roundsDone, int rowsPerPart, int buckets, Configuration conf) {
    return of(rows, ids, spec, dense, exchange, roundsDone, rowsPerPart, buckets, conf, PartWriter.CHUNK);
  }

  /** As above, storing rows through a model over {@code chunk} rows at a time. */
  static ExportStage.TableWrite of(JavaPairRDD<Long, ShardRow> rows, Dataset<Row> ids, RowShards.SliceSpec spec,
      CtrModel dense, ModelExchange exchange, int roundsDone, int rowsPerPart, int buckets, Configuration conf,
      int chunk) {
    return dir -> {
      ModelExchange.Published state = exchange.publishDense(ModelState.denseOf(dense), roundsDone);
      PartPartitioner parts = new PartPartitioner(spec.stats(), rowsPerPart);
      JavaPairRDD<Long, String> values = ids.javaRDD()
          .mapToPair(r -> new Tuple2<>(RowShards.key(r.getInt(0), r.getInt(2)), r.getString(1)));
      List<TableSummary.Field> written = rows.leftOuterJoin(values)
          .repartitionAndSortWithinPartitions(parts)
          .mapPartitions(new PartWriter(spec, state, dir.toString(), new SerializableConfiguration(conf),
              rowsPerPart, buckets, dense.dim(), chunk))
          .collect();
      TableWriter.writeDense(dense.params(), dir, conf);
      writeFrequencies(ids, spec.fieldNames(), dir, conf);
      int[] partsPerField = spec.stats().stream().mapToInt(s -> TableFormat.parts(s.rows(), rowsPerPart)).toArray();
      return new ExportStage.Written(TableWriter.files(spec.fieldNames(), partsPerField),
          TableSummary.merge(dense.dim(), dense.params().size(), spec.fieldNames(), written));
    };
  }

  /**
   * Writes the frequencies file in one task, which reads the ids sorted by (field, id): the driver never holds
   * them (streamed to the driver, a partition at a time, they took about 32 bytes per row of its heap).
   */
  private static void writeFrequencies(Dataset<Row> ids, List<String> fields, Path dir, Configuration conf)
      throws IOException {
    // one partition of the sorted ids: coalescing without a shuffle keeps the partitions' order
    org.apache.spark.api.java.JavaRDD<Row> sorted = ids.orderBy("f", "id").javaRDD().coalesce(1);
    if (sorted.getNumPartitions() == 0) { // no ids at all: every field has its OOV row only
      TableWriter.writeFrequencies(dir, conf, () -> frequencies(java.util.Collections.emptyIterator(), fields));
      return;
    }
    String target = dir.toString();
    SerializableConfiguration hadoop = new SerializableConfiguration(conf);
    sorted.foreachPartition(rows -> TableWriter.writeFrequencies(new Path(target), hadoop.value(),
        () -> frequencies(rows, fields)));
  }

  /** Every field's rows by id, each field's OOV row first, from the ids sorted by (field, id). */
  private static Iterator<TableWriter.FrequencyRow> frequencies(Iterator<Row> sorted, List<String> fields) {
    return new Iterator<>() {
      private int field = -1; // the field whose OOV row was given last
      private Row pending;

      @Override
      public boolean hasNext() {
        return field < fields.size() - 1 || pending != null || sorted.hasNext();
      }

      @Override
      public TableWriter.FrequencyRow next() {
        if (pending == null && sorted.hasNext()) {
          pending = sorted.next();
        }
        if (pending == null || pending.getInt(0) > field) { // the next field starts: its OOV row first
          field++;
          return new TableWriter.FrequencyRow(fields.get(field), null, FieldVocabulary.OOV, 0);
        }
        Row r = pending;
        pending = null;
        return new TableWriter.FrequencyRow(fields.get(field), r.getString(1), r.getInt(2), r.getLong(3));
      }
    };
  }

  /** Global part index of a row key: the parts of field 0, then those of field 1, ... */
  static final class PartPartitioner extends Partitioner {
    private final int[] firstPart;
    private final int total;
    private final int rowsPerPart;

    PartPartitioner(List<FieldStats> fields, int rowsPerPart) {
      this.firstPart = new int[fields.size()];
      int t = 0;
      for (int f = 0; f < fields.size(); f++) {
        firstPart[f] = t;
        t += TableFormat.parts(fields.get(f).rows(), rowsPerPart);
      }
      this.total = t;
      this.rowsPerPart = rowsPerPart;
    }

    @Override
    public int numPartitions() {
      return total;
    }

    @Override
    public int getPartition(Object key) {
      long k = (Long) key;
      return firstPart[RowShards.field(k)] + RowShards.id(k) / rowsPerPart;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PartPartitioner p && p.total == total && p.rowsPerPart == rowsPerPart
          && java.util.Arrays.equals(p.firstPart, firstPart);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(firstPart) * 31 + rowsPerPart;
    }
  }

  /** One part's rows, sorted by id, with their values -> its file, and its summary. */
  static final class PartWriter implements org.apache.spark.api.java.function.FlatMapFunction<
      Iterator<Tuple2<Long, Tuple2<ShardRow, Optional<String>>>>, TableSummary.Field> {
    private final RowShards.SliceSpec spec;
    private final ModelExchange.Published dense;
    private final String dir;
    private final SerializableConfiguration conf;
    private final int rowsPerPart;
    private final int buckets;
    private final int maxDim;
    /** Rows stored through one model: a chunk of a part. */
    static final int CHUNK = 1 << 16;
    private final int chunk;

    PartWriter(RowShards.SliceSpec spec, ModelExchange.Published dense, String dir, SerializableConfiguration conf,
        int rowsPerPart, int buckets, int maxDim, int chunk) {
      this.chunk = chunk;
      this.spec = spec;
      this.dense = dense;
      this.dir = dir;
      this.conf = conf;
      this.rowsPerPart = rowsPerPart;
      this.buckets = buckets;
      this.maxDim = maxDim;
    }

    @Override
    public Iterator<TableSummary.Field> call(Iterator<Tuple2<Long, Tuple2<ShardRow, Optional<String>>>> in)
        throws IOException {
      Tuple2<Long, Tuple2<ShardRow, Optional<String>>> first = in.next(); // a part is never empty
      int field = RowShards.field(first._1());
      int firstId = RowShards.id(first._1());
      String name = spec.fieldNames().get(field);
      TableSummary.FieldBuilder summary = new TableSummary.FieldBuilder(name, maxDim, buckets);
      boolean weighted = !ShardedRounds.denseModel(spec).wideTables().isEmpty();
      TableWriter.writeEmbeddingPart(new Path(dir), conf.value(), name, firstId / rowsPerPart, weighted,
          () -> new ChunkedRows(first, in, field, summary));
      FaultPoint.failFirstAttempt(FaultPoint.EXPORT_TASK);
      return List.of(summary.build(1)).iterator();
    }

    /**
     * A part's stored rows, a chunk ({@value #CHUNK} rows unless asked otherwise) at a time: each chunk's rows are stored through a model over
     * them alone (what a row keeps depends on its own count and the dense part, not on the other rows), so a task
     * holds one chunk, whatever the part's size.
     */
    private final class ChunkedRows implements Iterator<TableWriter.EmbeddingRow> {
      private final Iterator<Tuple2<Long, Tuple2<ShardRow, Optional<String>>>> in;
      private Tuple2<Long, Tuple2<ShardRow, Optional<String>>> first; // taken from the input to name the part
      private final int field;
      private final TableSummary.FieldBuilder summary;
      private final List<ShardRow> held = new ArrayList<>();
      private final List<String> values = new ArrayList<>();
      private CtrModel model;
      private int[] kept;
      private int offset;
      private int next;

      ChunkedRows(Tuple2<Long, Tuple2<ShardRow, Optional<String>>> first,
          Iterator<Tuple2<Long, Tuple2<ShardRow, Optional<String>>>> in, int field, TableSummary.FieldBuilder summary) {
        this.first = first;
        this.in = in;
        this.field = field;
        this.summary = summary;
      }

      @Override
      public boolean hasNext() {
        return next < held.size() || first != null || in.hasNext();
      }

      @Override
      public TableWriter.EmbeddingRow next() {
        if (next == held.size()) {
          load();
        }
        ShardRow r = held.get(next);
        int id = RowShards.id(r.key());
        int at = next + offset;
        summary.add(id, r.count(), kept[at]);
        next++;
        return TableWriter.row(model, field, at, id, values.get(next - 1), r.count(), kept[at]);
      }

      /** The next chunk of rows, and a model over them (after the field's OOV row, when the chunk lacks it). */
      private void load() {
        held.clear();
        values.clear();
        next = 0;
        while (held.size() < chunk && (first != null || in.hasNext())) {
          Tuple2<Long, Tuple2<ShardRow, Optional<String>>> t = first != null ? first : in.next();
          first = null;
          held.add(t._2()._1());
          values.add(t._2()._2().orElse(null));
        }
        boolean withOov = RowShards.id(held.get(0).key()) == FieldVocabulary.OOV;
        offset = withOov ? 0 : 1;
        int[][] rows = new int[spec.fieldNames().size()][];
        for (int f = 0; f < rows.length; f++) {
          rows[f] = new int[] {FieldVocabulary.OOV}; // other fields: a model needs each field's OOV row
        }
        rows[field] = new int[held.size() + offset];
        for (int i = 0; i < held.size(); i++) {
          rows[field][i + offset] = RowShards.id(held.get(i).key());
        }
        List<ShardRow> filling = new ArrayList<>(held); // rows without a record keep their initial values
        for (int f = 0; f < rows.length; f++) {
          if (f != field || !withOov) {
            filling.add(new ShardRow(RowShards.key(f, FieldVocabulary.OOV), 0, null));
          }
        }
        model = RowShards.filled(spec, rows, filling.iterator());
        try {
          dense.loadDenseInto(model);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        kept = model.embedding(field).keptDims();
      }
    }
  }
}

package org.amtl.core.table;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.amtl.core.data.FieldVocabulary;
import org.amtl.core.data.FrequencyFeatures;
import org.amtl.core.model.CtrModel;
import org.amtl.core.model.DimsByFrequency;
import org.amtl.core.model.Storage;

/**
 * What the manifest and the report say about a table's rows, in whole numbers so that it can be summed part by
 * part in any order and still come out the same: per field its rows, parts, kept floats, rows per kept dim, and kept
 * dims summed per frequency bucket. Built from a whole model ({@link #of}) or merged from the summaries of a
 * table's parts ({@link #merge}), which gives the same summary.
 */
public record TableSummary(int maxDim, long denseFloats, List<Field> fields) implements Serializable {
  public TableSummary {
    fields = List.copyOf(fields);
  }

  /**
   * One field, or one part of it: {@code dimRows[k]} rows keep k dims; {@code bucketDims[b]} and
   * {@code bucketRows[b]} sum the kept dims and count the in-vocabulary rows of frequency bucket b.
   */
  public record Field(String name, long rows, int parts, long keptFloats, long[] dimRows, long[] bucketDims,
      long[] bucketRows) implements Serializable {
    /** The sum of two summaries of the same field (parts add up). */
    public Field plus(Field o) {
      if (!name.equals(o.name)) {
        throw new IllegalArgumentException("field '" + name + "' summed with field '" + o.name + "'");
      }
      return new Field(name, rows + o.rows, parts + o.parts, keptFloats + o.keptFloats, add(dimRows, o.dimRows),
          add(bucketDims, o.bucketDims), add(bucketRows, o.bucketRows));
    }

    /** The field's vocabulary: its rows without the OOV row. */
    public long vocabulary() {
      return rows - 1;
    }

    /** Rows times the max dim: what fixed-size tables of the same vocabulary store. */
    public long fixedFloats(int maxDim) {
      return rows * maxDim;
    }

    private static long[] add(long[] a, long[] b) {
      long[] s = a.clone();
      for (int i = 0; i < s.length; i++) {
        s[i] += b[i];
      }
      return s;
    }
  }

  /** Counts one row into per-field accumulators; what both a whole model and a part writer use. */
  public static final class FieldBuilder {
    private final String name;
    private final int buckets;
    private final long[] dimRows;
    private final long[] bucketDims;
    private final long[] bucketRows;
    private long rows;
    private long kept;

    public FieldBuilder(String name, int maxDim, int buckets) {
      this.name = name;
      this.buckets = buckets;
      this.dimRows = new long[maxDim + 1];
      this.bucketDims = new long[buckets];
      this.bucketRows = new long[buckets];
    }

    /** Adds row {@code id} (0: OOV, not in any frequency bucket) with {@code count} and {@code dim} kept dims. */
    public void add(int id, long count, int dim) {
      rows++;
      kept += dim;
      dimRows[dim]++;
      if (id != FieldVocabulary.OOV) {
        int b = FrequencyFeatures.bucketOf(count, buckets);
        bucketDims[b] += dim;
        bucketRows[b]++;
      }
    }

    /** The summary of the rows added, as {@code parts} parts. */
    public Field build(int parts) {
      return new Field(name, rows, parts, kept, dimRows.clone(), bucketDims.clone(), bucketRows.clone());
    }
  }

  /** The summary of a whole model's tables, each field written in parts of at most {@code rowsPerPart} rows. */
  public static TableSummary of(CtrModel model, int buckets, int rowsPerPart) {
    int[][] kept = model.keptDims();
    List<Field> fields = new ArrayList<>();
    for (int f = 0; f < model.numFields(); f++) {
      FieldVocabulary fv = model.vocabulary().field(f);
      FieldBuilder b = new FieldBuilder(fv.name(), model.dim(), buckets);
      for (int id = 0; id < fv.rows(); id++) {
        b.add(id, fv.count(id), kept[f][id]);
      }
      fields.add(b.build(TableFormat.parts(fv.rows(), rowsPerPart)));
    }
    return new TableSummary(model.dim(), model.params().size(), fields);
  }

  /**
   * The summary of a table from its parts' summaries (each a one-field summary, in any order): parts of the same
   * field add up; fields come in {@code fieldOrder}.
   */
  public static TableSummary merge(int maxDim, long denseFloats, List<String> fieldOrder, List<Field> parts) {
    Field[] sums = new Field[fieldOrder.size()];
    for (Field p : parts) {
      int f = fieldOrder.indexOf(p.name());
      if (f < 0) {
        throw new IllegalArgumentException("a part of field '" + p.name() + "', which is not in " + fieldOrder);
      }
      sums[f] = sums[f] == null ? p : sums[f].plus(p);
    }
    for (int f = 0; f < sums.length; f++) {
      if (sums[f] == null) {
        throw new IllegalArgumentException("no part of field '" + fieldOrder.get(f) + "'");
      }
    }
    return new TableSummary(maxDim, denseFloats, Arrays.asList(sums));
  }

  /** Kept and fixed-size floats per field. */
  public Storage storage() {
    long[] kept = new long[fields.size()];
    long[] fixed = new long[fields.size()];
    for (int f = 0; f < kept.length; f++) {
      kept[f] = fields.get(f).keptFloats();
      fixed[f] = fields.get(f).fixedFloats(maxDim);
    }
    return new Storage(kept, fixed, denseFloats);
  }

  /** The mean kept dim per frequency bucket, per field and over all fields. */
  public DimsByFrequency dimsByFrequency() {
    int buckets = fields.isEmpty() ? 0 : fields.get(0).bucketRows().length;
    String[] names = new String[fields.size()];
    double[][] perField = new double[fields.size()][];
    long[] allDims = new long[buckets];
    long[] allRows = new long[buckets];
    for (int f = 0; f < names.length; f++) {
      Field field = fields.get(f);
      names[f] = field.name();
      perField[f] = DimsByFrequency.means(field.bucketDims(), field.bucketRows());
      for (int b = 0; b < buckets; b++) {
        allDims[b] += field.bucketDims()[b];
        allRows[b] += field.bucketRows()[b];
      }
    }
    return new DimsByFrequency(names, perField, DimsByFrequency.means(allDims, allRows));
  }

  /** Rows over all fields. */
  public long rows() {
    return fields.stream().mapToLong(Field::rows).sum();
  }
}

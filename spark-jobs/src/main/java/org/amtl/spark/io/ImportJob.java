package org.amtl.spark.io;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.amtl.core.config.AmtlConfig;
import org.amtl.core.config.Keys;
import org.amtl.core.config.Redaction;
import org.amtl.spark.cli.JobMain;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports public datasets into Parquet click logs the training job reads. Usage like the training job
 * ({@code --config FILE --conf key=value}), keys {@code import.*}.
 * <ul>
 *   <li>MovieLens 1M ({@code ::} files) and 100K (tab and {@code |} files): label = rating >= 4; fields user_id,
 *       movie_id, gender, age, occupation, zip, and genres as a list field (100K also keeps the timestamp).</li>
 *   <li>Criteo Kaggle TSV: label; I1-I13 as categorical log2 buckets ({@code b<floor(log2(1 + v))>}, {@code neg}
 *       for negatives, {@code missing} when empty); C1-C26 with empty as missing (null, the OOV row).</li>
 * </ul>
 * A malformed line stops the import with its file and line number, or is skipped and counted when
 * {@code import.skipMalformed=true}. Nothing is written unless every check passed.
 */
public final class ImportJob {
  private static final Logger LOG = LoggerFactory.getLogger(ImportJob.class);
  /** The genres of MovieLens 100K's u.item flags, in column order (u.genre). */
  static final String[] GENRES_100K = {"unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
      "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
      "War", "Western"};

  /** Rows written and malformed lines skipped. */
  public record Summary(String output, long rows, long skipped) {}

  private ImportJob() {}

  public static void main(String[] args) {
    JobMain.main("amtl-import", args, (spark, config) -> {
      Summary s = run(spark, config);
      return String.format(Locale.ROOT, "wrote %d rows to %s (%d malformed lines skipped)%n", s.rows(), s.output(),
          s.skipped());
    });
  }

  public static Summary run(SparkSession spark, AmtlConfig config) {
    String output = config.get(Keys.IMPORT_OUTPUT);
    List<String> inputs = config.get(Keys.IMPORT_INPUT);
    if (output.isEmpty() || inputs.isEmpty()) {
      throw new IllegalArgumentException("config keys 'import.input' and 'import.output' are both required");
    }
    boolean skip = config.getBoolean(Keys.IMPORT_SKIP_MALFORMED);
    long[] skipped = new long[1];
    Dataset<Row> log = switch (config.get(Keys.IMPORT_FORMAT)) {
      case CRITEO -> criteo(spark, inputs, skip, skipped);
      case MOVIELENS_1M -> movieLens(spark, inputs, "::", "::", "::", false, skip, skipped);
      case MOVIELENS_100K -> movieLens(spark, inputs, "\t", "\\|", "\\|", true, skip, skipped);
    };
    log.write().parquet(output);
    long rows = spark.read().parquet(output).count();
    LOG.info("imported {} rows into {}; {} malformed lines skipped", rows, Redaction.redactUris(output), skipped[0]);
    return new Summary(output, rows, skipped[0]);
  }

  static Dataset<Row> criteo(SparkSession spark, List<String> inputs, boolean skip, long[] skipped) {
    Dataset<Row> lines = TextLines.read(spark, inputs.toArray(new String[0]))
        .withColumn("f", split(col("line"), "\t", -1));
    Column bad = size(col("f")).notEqual(40).or(try_element_at(col("f"), lit(1)).isin("0", "1").unary_$bang());
    for (int i = 1; i <= 13; i++) {
      Column v = try_element_at(col("f"), lit(i + 1));
      bad = bad.or(v.notEqual(lit("")).and(v.try_cast(DataTypes.LongType).isNull()));
    }
    skipped[0] += TextLines.check(lines, bad, skip, "40 tab-separated fields: label 0/1, 13 integers or empty, "
        + "26 categorical values or empty");
    List<Column> out = new ArrayList<>();
    out.add(try_element_at(col("f"), lit(1)).try_cast(DataTypes.IntegerType).as("label"));
    for (int i = 1; i <= 13; i++) {
      Column v = try_element_at(col("f"), lit(i + 1));
      Column n = v.try_cast(DataTypes.LongType);
      out.add(when(v.equalTo(""), lit("missing")).when(n.lt(0), lit("neg"))
          .otherwise(concat(lit("b"), floor(log2(n.plus(1))).cast(DataTypes.StringType))).as("I" + i));
    }
    for (int i = 1; i <= 26; i++) {
      Column v = try_element_at(col("f"), lit(i + 14));
      out.add(when(v.equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(v).as("C" + i));
    }
    return lines.filter(bad.unary_$bang()).select(out.toArray(new Column[0]));
  }

  static Dataset<Row> movieLens(SparkSession spark, List<String> inputs, String ratingSep, String userSep,
      String itemSep, boolean hundredK, boolean skip, long[] skipped) {
    if (inputs.size() != 3) {
      throw new IllegalArgumentException("config key 'import.input' = " + inputs
          + " (expected three paths: ratings, users, items)");
    }
    Dataset<Row> r = TextLines.read(spark, inputs.get(0)).withColumn("f", split(col("line"), ratingSep, -1));
    Column rating = try_element_at(col("f"), lit(3)).try_cast(DataTypes.IntegerType);
    Column badRating = (hundredK ? size(col("f")).notEqual(4) : size(col("f")).lt(3).or(size(col("f")).gt(4)))
        .or(try_element_at(col("f"), lit(1)).try_cast(DataTypes.IntegerType).isNull())
        .or(try_element_at(col("f"), lit(2)).try_cast(DataTypes.IntegerType).isNull())
        .or(rating.isNull()).or(rating.lt(1)).or(rating.gt(5));
    skipped[0] += TextLines.check(r, badRating, skip, hundredK ? "user<TAB>item<TAB>rating 1-5<TAB>timestamp"
        : "UserID::MovieID::Rating 1-5[::Timestamp]");
    List<Column> ratingCols = new ArrayList<>(List.of(try_element_at(col("f"), lit(1)).as("user_id"),
        try_element_at(col("f"), lit(2)).as("movie_id"), when(rating.geq(4), lit(1)).otherwise(lit(0)).as("label")));
    if (hundredK) {
      ratingCols.add(try_element_at(col("f"), lit(4)).try_cast(DataTypes.LongType).as("timestamp"));
    }
    Dataset<Row> ratings = r.filter(badRating.unary_$bang()).select(ratingCols.toArray(new Column[0]));

    Dataset<Row> u = TextLines.read(spark, inputs.get(1)).withColumn("f", split(col("line"), userSep, -1));
    Column badUser = size(col("f")).notEqual(5).or(try_element_at(col("f"), lit(1)).try_cast(DataTypes.IntegerType).isNull());
    skipped[0] += TextLines.check(u, badUser, skip, hundredK ? "user|age|gender|occupation|zip"
        : "UserID::Gender::Age::Occupation::Zip-code");
    Dataset<Row> users = u.filter(badUser.unary_$bang()).select(try_element_at(col("f"), lit(1)).as("user_id"),
        try_element_at(col("f"), lit(hundredK ? 3 : 2)).as("gender"), try_element_at(col("f"), lit(hundredK ? 2 : 3)).as("age"),
        try_element_at(col("f"), lit(4)).as("occupation"), try_element_at(col("f"), lit(5)).as("zip"));

    Dataset<Row> m = TextLines.read(spark, inputs.get(2)).withColumn("f", split(col("line"), itemSep, -1));
    Column badItem = (hundredK ? size(col("f")).notEqual(5 + GENRES_100K.length) : size(col("f")).notEqual(3))
        .or(try_element_at(col("f"), lit(1)).try_cast(DataTypes.IntegerType).isNull());
    skipped[0] += TextLines.check(m, badItem, skip, hundredK
        ? "movie id|title|release date|video release date|IMDb URL|19 genre flags" : "MovieID::Title::Genres");
    Column genres;
    if (hundredK) {
      Column[] flags = new Column[GENRES_100K.length];
      for (int g = 0; g < flags.length; g++) {
        flags[g] = when(try_element_at(col("f"), lit(6 + g)).equalTo("1"), lit(GENRES_100K[g]));
      }
      genres = array_compact(array(flags));
    } else {
      genres = split(try_element_at(col("f"), lit(3)), "\\|");
    }
    Dataset<Row> movies = m.filter(badItem.unary_$bang()).select(try_element_at(col("f"), lit(1)).as("movie_id"),
        genres.as("genres"));
    List<String> columns = new ArrayList<>(List.of("label", "user_id", "movie_id", "gender", "age", "occupation", "zip",
        "genres"));
    if (hundredK) {
      columns.add("timestamp");
    }
    return ratings.join(users, "user_id", "left").join(movies, "movie_id", "left")
        .select(columns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
  }
}

package org.amtl.core.config;

import static org.amtl.core.config.ConfigKey.boolKey;
import static org.amtl.core.config.ConfigKey.doubleKey;
import static org.amtl.core.config.ConfigKey.enumKey;
import static org.amtl.core.config.ConfigKey.intKey;
import static org.amtl.core.config.ConfigKey.intListKey;
import static org.amtl.core.config.ConfigKey.longKey;
import static org.amtl.core.config.ConfigKey.stringKey;
import static org.amtl.core.config.ConfigKey.stringListKey;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amtl.core.kernels.ProductRoute;
import org.amtl.core.model.EmbeddingVariant;
import org.amtl.core.model.HeadType;

/**
 * The one table of configuration keys. Every key the project reads is declared here, with its type, default,
 * documentation and validator; nothing else defines keys. Defaults follow the choices in docs/method.md.
 */
public final class Keys {
  private static final Map<String, ConfigKey<?>> ALL = new LinkedHashMap<>();

  /** A run id or experiment name: one path segment that sorts and reads well (also checked in LATEST). */
  public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,199}";

  private static final String NAME_RULE = "a letter or digit, then letters, digits, '.', '_' or '-' (200 at most)";

  // ---- model shape
  public static final ConfigKey<EmbeddingVariant> EMBEDDING = add(enumKey("model.embedding", EmbeddingVariant.class,
      EmbeddingVariant.AMTL, "Embedding variant: " + EmbeddingVariant.describeAll() + "."));
  public static final ConfigKey<HeadType> HEAD = add(enumKey("model.head", HeadType.class, HeadType.DNN,
      "CTR network on top of the embeddings: " + HeadType.describeAll() + "."));
  public static final ConfigKey<Integer> DIM = add(intKey("model.dim", 32,
      "Maximum embedding dimension d (the fixed size of FBE).", 1, 255));
  public static final ConfigKey<int[]> HIDDEN = add(intListKey("model.hidden", new int[] {128, 64},
      "Hidden layer widths of the CTR MLP (ReLU); empty for none.", 1, 65536, true));
  public static final ConfigKey<Double> EMBEDDING_INIT = add(doubleKey("model.embedding.initScale", 0.05,
      "Embedding rows start uniform in (-s, s).", 0, true, 10));
  public static final ConfigKey<Boolean> EMBEDDING_TRAINABLE = add(boolKey("model.embedding.trainable", true,
      "Whether the field embedding rows are updated (false freezes them, e.g. to train a head on fixed rows)."));

  // ---- AMTL layer
  public static final ConfigKey<Integer> AML_HIDDEN = add(intKey("amtl.aml.hidden", 32,
      "Hidden width of each AML network (h-AML and l-AML).", 1, 4096));
  public static final ConfigKey<Double> TEMPERATURE = add(doubleKey("amtl.temperature", 1.0,
      "Softmax temperature T of the selection t = softmax(z / T).", 0, true, 1e6));
  public static final ConfigKey<Double> FINAL_TEMPERATURE = add(doubleKey("amtl.temperature.final", 0.0,
      "Temperature of the last training round: T goes geometrically from amtl.temperature (first round with masks) "
          + "to this one (last round). With the straight-through estimator T shapes only the masks' gradient. 0 "
          + "(default): T stays amtl.temperature.", 0, false, 1e6));
  public static final ConfigKey<Integer> WARMUP_ROUNDS = add(intKey("amtl.warmupRounds", 0,
      "Training rounds (counted over all epochs) in which AMTL keeps every dim and trains no AML, so the table "
          + "trains as FBE first and the masks then learn on trained rows (a storage target steers from the end of "
          + "the warm-up on). 0 (default): masks from the first round, as in the paper.", 0, 1_000_000));
  public static final ConfigKey<Boolean> TWINS = add(boolKey("amtl.twins", true,
      "Use the twin AMLs (h-AML and l-AML mixed by the normalized log count); false uses a single AML (ablation)."));
  public static final ConfigKey<Boolean> STE = add(boolKey("amtl.ste", true,
      "Straight-through estimator: train on the hard prefix mask; false trains on the soft mask (ablation)."));
  public static final ConfigKey<Double> BUDGET_LAMBDA = add(doubleKey("amtl.budget.lambda", 0.0,
      "Optional storage penalty lambda * E[k] per lookup; 0 is the paper's loss.", 0, false, 1e6));
  public static final ConfigKey<BudgetUnit> BUDGET_PER = add(enumKey("amtl.budget.per", BudgetUnit.class,
      BudgetUnit.LOOKUP, "What the storage penalty averages over: lookup (lambda * E[k] per lookup, so frequent values' "
          + "dims cost more) or row (each lookup weighted by mean count / count, so in expectation lambda * mean over "
          + "rows of E[k]: the table's storage)."));
  public static final ConfigKey<Double> BUDGET_TARGET_RATIO = add(doubleKey("amtl.budget.targetRatio", 0.0,
      "The storage ratio to land on (kept floats over fixed-size floats, every field and OOV row counted), e.g. 0.25; "
          + "0 (default) leaves storage where training puts it. Before training and after every round the driver "
          + "sets a price on each kept dim (lowering the mask logit of 'keep l dims' by price * l) so that storage "
          + "comes as close to the target as the tie groups allow (values of one count keep equal dims); the "
          + "manifest records target and result. Needs model.embedding=amtl.", 0, false, 1));
  public static final ConfigKey<Double> BUDGET_RARE_FIRST = add(doubleKey("amtl.budget.rareFirst", 10.0,
      "With amtl.budget.targetRatio set (no effect without one): how much more a rare value pays per kept dim. A value pays (1 + rareFirst * "
          + "(1 - u)) times the price, u in [0, 1] its normalized log count (1 for the field's most frequent value), "
          + "so storage is taken from rare values first; set through the AMLs' output biases (the l-AML's moves "
          + "1 + rareFirst times the h-AML's). 0: every value pays the same price. The default, 10, came out ahead of "
          + "0 on MovieLens-1M and the Criteo sample at 25% and 50% storage (docs/results.md). A single AML "
          + "(amtl.twins=false) has no l-AML: every value pays the same.", 0, false, 1e6));
  public static final ConfigKey<Integer> BUDGET_STEER_EVERY = add(intKey("amtl.budget.steerEvery", 32,
      "With amtl.budget.targetRatio set: the batches between two steers of a training task's copy, so that the "
          + "network trains on sizes near the target rather than meeting them only when the driver steers after "
          + "the round.", 1, 1_000_000));
  public static final ConfigKey<Double> INIT_FULL_DIM_BIAS = add(doubleKey("amtl.init.fullDimBias", 0.0,
      "Start value of the AMLs' output bias at the last position ('keep all d dims'); other positions start at 0. "
          + "0 (default): the selection starts from the random initialisation; > 0 starts values at full size, as "
          + "FBE, and the mask learns to cut.", 0, false, 100));
  public static final ConfigKey<Integer> FREQUENCY_BUCKETS = add(intKey("amtl.frequency.buckets", 24,
      "Number B of log2 count buckets in the frequency features (one-hot of floor(log2(1 + count)), capped).",
      1, 64));

  // ---- baselines
  public static final ConfigKey<Integer> MDE_BLOCKS = add(intKey("mde.blocks", 4,
      "MDE: number of equal-rank blocks per field.", 1, 64));
  public static final ConfigKey<Double> MDE_ALPHA = add(doubleKey("mde.alpha", 0.3,
      "MDE: block dim d_b = round(d * (p_b / p_1)^alpha).", 0, false, 10));
  public static final ConfigKey<int[]> AUTOEMB_CANDIDATES = add(intListKey("autoemb.candidates", new int[] {2, 8},
      "AutoEmb: candidate dims below d (d itself is always a candidate).", 1, 255, true));
  public static final ConfigKey<Integer> AUTOEMB_HIDDEN = add(intKey("autoemb.controller.hidden", 32,
      "AutoEmb: hidden width of the controller MLP.", 1, 4096));

  // ---- vocabulary
  public static final ConfigKey<Long> MIN_COUNT = add(longKey("vocab.minCount", 1,
      "Values seen fewer times than this in the training split map to the field's OOV row."));

  // ---- training
  public static final ConfigKey<Integer> BATCH_SIZE = add(intKey("train.batchSize", 256,
      "Minibatch size.", 1, 1 << 20));
  public static final ConfigKey<Integer> EPOCHS = add(intKey("train.epochs", 1,
      "Passes over the training data (one is the default: sparse embeddings overfit after the first).", 1, 10000));
  public static final ConfigKey<Long> SEED = add(longKey("train.seed", 1,
      "Seed of every random choice (initialisation, shuffling); runs with the same seed and input are identical."));

  // ---- optimizers
  public static final ConfigKey<Double> EMB_LR = add(doubleKey("optim.embedding.learningRate", 0.05,
      "Adagrad learning rate of embedding rows.", 0, true, 1e3));
  public static final ConfigKey<Double> EMB_EPSILON = add(doubleKey("optim.embedding.epsilon", 1e-8,
      "Adagrad epsilon.", 0, true, 1));
  public static final ConfigKey<Double> EMB_INITIAL_ACC = add(doubleKey("optim.embedding.initialAccumulator", 0.0,
      "Adagrad accumulator start value.", 0, false, 1e6));
  public static final ConfigKey<Double> EMB_L2 = add(doubleKey("optim.embedding.l2", 0.0,
      "L2 on embedding rows, applied to the rows a batch touches.", 0, false, 1e3));
  public static final ConfigKey<DenseOptimizer> DENSE_OPTIMIZER = add(enumKey("optim.dense.type",
      DenseOptimizer.class, DenseOptimizer.ADAM, "Optimizer of dense parameters: adam, or sgd (plain descent)."));
  public static final ConfigKey<Double> DENSE_LR = add(doubleKey("optim.dense.learningRate", 0.001,
      "Learning rate of dense parameters (MLP, AMLs, projections, controller).", 0, true, 1e3));
  public static final ConfigKey<Double> DENSE_BETA1 = add(doubleKey("optim.dense.beta1", 0.9,
      "Adam beta1.", 0, false, 0.999999));
  public static final ConfigKey<Double> DENSE_BETA2 = add(doubleKey("optim.dense.beta2", 0.999,
      "Adam beta2.", 0, false, 0.999999));
  public static final ConfigKey<Double> DENSE_EPSILON = add(doubleKey("optim.dense.epsilon", 1e-8,
      "Adam epsilon.", 0, true, 1));
  public static final ConfigKey<Double> DENSE_L2 = add(doubleKey("optim.dense.l2", 0.0,
      "L2 on dense weights.", 0, false, 1e3));

  // ---- the Spark job: input
  public static final ConfigKey<List<String>> INPUT_PATHS = add(stringListKey("input.paths",
      "Click-log paths (file://, hdfs://, s3a://; globs allowed, folders read recursively), comma-separated, in "
          + "input.format. Empty: generate a synthetic Criteo-like log (see synthetic.*)."));
  public static final ConfigKey<InputFormat> INPUT_FORMAT = add(enumKey("input.format", InputFormat.class,
      InputFormat.PARQUET, "Format of the files under input.paths: parquet, orc, csv (a header line, comma-separated, "
          + "every column read as a string) or json (one object per line, types as Spark infers them). A malformed "
          + "csv or json row stops the job naming its file and the row."));
  public static final ConfigKey<String> INPUT_LABEL = add(stringKey("input.label", "label",
      "Label column: 0/1 as int, long, double, boolean or string.", ".+", "a column name"));
  public static final ConfigKey<List<String>> INPUT_FEATURES = add(stringListKey("input.features",
      "Feature columns (string, int, long, or arrays of those for list fields). Empty: every column except the "
          + "label and split.timeColumn."));

  // ---- the Spark job: train/test split
  public static final ConfigKey<SplitMode> SPLIT_MODE = add(enumKey("split.mode", SplitMode.class, SplitMode.RANDOM,
      "random: a seeded hash of each row decides; time: rows before split.timeCutoff train, the rest test."));
  public static final ConfigKey<Double> SPLIT_TEST_FRACTION = add(doubleKey("split.testFraction", 0.1,
      "Test share of the rows for split.mode=random.", 0, true, 0.99));
  public static final ConfigKey<String> SPLIT_TIME_COLUMN = add(stringKey("split.timeColumn", "",
      "Time column for split.mode=time (long, int, timestamp or date).", ".*", "a column name"));
  public static final ConfigKey<String> SPLIT_TIME_CUTOFF = add(stringKey("split.timeCutoff", "",
      "First test time for split.mode=time: a number, or a date/timestamp like 2026-11-28 or 2026-11-28 12:00:00.",
      ".*", "a number or an ISO date/timestamp"));

  // ---- the Spark job: data-parallel training
  public static final ConfigKey<Integer> PARTITIONS = add(intKey("train.partitions", 2,
      "Data-parallel partitions: each trains its slice of every round on a copy of the model.", 1, 100_000));
  public static final ConfigKey<Integer> ROUNDS_PER_EPOCH = add(intKey("train.roundsPerEpoch", 4,
      "Parameter-averaging rounds per epoch; each partition trains 1/rounds of its rows per round.", 1, 100_000));
  public static final ConfigKey<Integer> CHECKPOINT_INTERVAL = add(intKey("train.checkpointInterval", 1,
      "Write a checkpoint every this many rounds under <output.path>/.<runId>.checkpoint/; a rerun with the same "
          + "run id resumes from the last one. 0 turns checkpoints off.", 0, 1_000_000));
  public static final ConfigKey<TableMode> TABLES = add(enumKey("train.tables", TableMode.class, TableMode.AUTO,
      "Where the embedding rows live while training. broadcast: every task holds the whole model (fastest while it "
          + "fits). sharded: the rows are a Spark dataset in train.shards shards and each task pulls only the rows "
          + "its slice touches, so no JVM holds the whole table. auto: sharded when a field's rows x width reach "
          + "2^31 floats or one training copy would exceed train.tables.taskMemoryShare of an executor's memory per "
          + "task; broadcast otherwise. Both publish the same bytes."));
  public static final ConfigKey<Integer> SHARDS = add(intKey("train.shards", 0,
      "Shards of the embedding rows when train.tables is sharded; 0: enough that a shard's rows with their "
          + "accumulators take at most half of train.tables.taskMemoryShare of a task's executor memory (at least "
          + "train.partitions).", 0, 1_000_000));
  public static final ConfigKey<Double> TASK_MEMORY_SHARE = add(doubleKey("train.tables.taskMemoryShare", 0.25,
      "The share of an executor's memory per task (spark.executor.memory / spark.executor.cores) that one training "
          + "copy of the whole model may take before train.tables=auto shards the rows.", 0, true, 1));
  public static final ConfigKey<ProductRoute> KERNELS = add(enumKey("train.kernels", ProductRoute.class,
      ProductRoute.OURS, "Which implementation runs the dense layers' products. ours: the project's kernels, which "
          + "skip the zeros a ReLU leaves and give the same floats on every machine (the default, for reproducible "
          + "tables). blas: every product through netlib, the BLAS layer of Spark MLlib (a native BLAS such as "
          + "OpenBLAS when the JVM finds libblas.so.3, netlib's Java code otherwise); its floats depend on the "
          + "library and the CPU. auto: a native BLAS for every product except where a factor is half zeros or more "
          + "(62% for input gradients; there our kernel skipping them is faster), ours alone when no native BLAS is "
          + "found. With OpenBLAS the benchmark's model trained about as fast with auto as with ours, slower with "
          + "blas (docs/performance.md). The job logs what ran; the manifest's run section records it."));
  public static final ConfigKey<Boolean> EVAL_PER_ROUND = add(boolKey("eval.perRound", true,
      "Evaluate the test split after every round (for the AUC-per-round chart); false evaluates once at the end."));

  public static final ConfigKey<String> HOT_START = add(stringKey("hotStart.path", "",
      "A published table to start from (yesterday's run, or an FBE run to add AMTL on top): rows of known values, "
          + "and dense tensors of the same name and shape, are taken from it. 'latest': the run that "
          + "<output.path>/LATEST names (none yet: start from scratch and say so; a rerun of the run LATEST names "
          + "starts from the run its first attempt started from). Empty: start from scratch.",
      ".*", "a table path, 'latest' or nothing"));

  // ---- the Spark job: output
  public static final ConfigKey<String> OUTPUT_PATH = add(stringKey("output.path", "amtl-output",
      "Output root (any Hadoop path); each run publishes <output.path>/<runId>/. While it trains, the model "
          + "passes between driver and executors through <output.path>/.<runId>.rounds/, so executors must reach it "
          + "too (HDFS, S3; a local folder only on one machine).", ".+", "a path"));
  public static final ConfigKey<String> OUTPUT_RUN_ID = add(stringKey("output.runId", "",
      "Run id, the name of the published folder, one level under output.path. Empty: the start time, "
          + "yyyyMMdd-HHmmss (UTC).",
      "(" + NAME_PATTERN + ")?", NAME_RULE));
  public static final ConfigKey<Integer> ROWS_PER_PART = add(intKey("output.rowsPerPart", 1_000_000,
      "Rows per Parquet file of a field's published embeddings: part k holds row ids [k R, (k + 1) R).", 1,
      Integer.MAX_VALUE));
  public static final ConfigKey<Boolean> OUTPUT_LATEST = add(boolKey("output.latest", true,
      "After publishing, point <output.path>/LATEST at this run (replaced in one step, written after the manifest). "
          + "false for a backfill of an older day, which must not become the latest."));
  public static final ConfigKey<Boolean> OUTPUT_OVERWRITE = add(boolKey("output.overwrite", false,
      "Replace an existing published run with the same id (otherwise the job stops before reading input). A "
          + "folder that holds no run published by this job is never replaced."));

  // ---- the Spark job: synthetic input (when input.paths is empty)
  public static final ConfigKey<Integer> SYNTHETIC_DAY = add(intKey("synthetic.day", 0,
      "Which day of the generated log to draw: every day comes from the same planted model, with its own rows.",
      0, 100_000));
  public static final ConfigKey<Integer> SYNTHETIC_ROWS = add(intKey("synthetic.rows", 200_000,
      "Rows of the generated log.", 100, Integer.MAX_VALUE));
  public static final ConfigKey<Integer> SYNTHETIC_FIELDS = add(intKey("synthetic.fields", 26,
      "Categorical fields of the generated log (named C1, C2, ...).", 1, 1000));
  public static final ConfigKey<Integer> SYNTHETIC_VALUES = add(intKey("synthetic.values", 10_000,
      "Distinct values per field of the generated log (Zipf-distributed).", 1, 100_000_000));
  public static final ConfigKey<Double> SYNTHETIC_ZIPF = add(doubleKey("synthetic.zipf", 1.1,
      "Zipf exponent of value frequencies in the generated log.", 0, false, 10));
  public static final ConfigKey<PlantedDims> SYNTHETIC_PLANTED_DIMS = add(enumKey("synthetic.plantedDims",
      PlantedDims.class, PlantedDims.PREFIX, "Where the generated log's planted model puts each value's signal: prefix "
          + "(frequent values in more leading dims, rare ones in fewer: the case AMTL is built for) or all (every "
          + "value in all model.dim dims, so a rare value gains from fewer dims only by overfitting less)."));

  // ---- scoring (org.amtl.spark.ScoreJob): a published table's click probabilities for a log
  public static final ConfigKey<String> SCORE_TABLE = add(stringKey("score.table", "",
      "The published table to score with: a run's folder, or <output.path>/LATEST for the run published last there. "
          + "The log (input.paths, input.format) must hold a column per field of the table, named as in training.",
      ".*", "a table path"));
  public static final ConfigKey<String> SCORE_OUTPUT = add(stringKey("score.output", "",
      "Where the scores are published: a folder (its name a letter or digit, then letters, digits, '.', '_' or '-') "
          + "holding Parquet with the kept columns and 'probability', and manifest.json, written last. Published in "
          + "one step like a training run: a failed run leaves what was there.", ".*", "a path"));
  public static final ConfigKey<List<String>> SCORE_KEEP = add(stringListKey("score.keep",
      "Input columns copied beside each probability (e.g. a request id). Empty: every input column."));
  public static final ConfigKey<String> SCORE_LABEL = add(stringKey("score.label", "",
      "A 0/1 label column of the log, if it has one: the scoring job then also reports AUC, logloss and "
          + "calibration (exact: the same figures the training job reports for the same examples). Empty: none.",
      ".*", "a column name or nothing"));
  public static final ConfigKey<Boolean> SCORE_OVERWRITE = add(boolKey("score.overwrite", false,
      "Replace scores already published at score.output (otherwise the job stops before reading the log)."));

  // ---- importers (org.amtl.spark.io.ImportJob): public datasets into Parquet click logs
  public static final ConfigKey<ImportFormat> IMPORT_FORMAT = add(enumKey("import.format", ImportFormat.class,
      ImportFormat.CRITEO, "Source format: movielens_1m ('::' files), movielens_100k (u.data, u.user, u.item) or criteo "
          + "(Kaggle TSV: label, I1-I13, C1-C26)."));
  public static final ConfigKey<List<String>> IMPORT_INPUT = add(stringListKey("import.input",
      "Criteo: the TSV files (gzip accepted). MovieLens: ratings, users and items files, in that order."));
  public static final ConfigKey<String> IMPORT_OUTPUT = add(stringKey("import.output", "",
      "Where the importer writes the Parquet click log (must not exist).", ".*", "a path"));
  public static final ConfigKey<Boolean> IMPORT_SKIP_MALFORMED = add(boolKey("import.skipMalformed", false,
      "Skip and count malformed lines instead of stopping at the first one (which is named by file and line)."));

  // ---- experiments (org.amtl.spark.experiment.ExperimentJob): the method comparison behind docs/results.md
  public static final ConfigKey<String> EXPERIMENT_NAME = add(stringKey("experiment.name", "generated",
      "Dataset label of the experiment: names its output folder and titles its tables.",
      NAME_PATTERN, NAME_RULE));
  public static final ConfigKey<List<String>> EXPERIMENT_ARMS = add(stringListKey("experiment.arms",
      List.of("dnn/fbe", "dnn/mde", "dnn/autoemb", "dnn/amtl", "dnn/amtl-single", "dnn/amtl-soft", "deepfm/fbe",
          "deepfm/mde", "deepfm/autoemb", "deepfm/amtl"),
      "Arms compared on one split and one training budget, each head/variant: head dnn|deepfm|widedeep; variant "
          + "fbe|mde|autoemb|amtl|amtl-single (one AML)|amtl-soft (no STE); optional overrides in brackets, "
          + "separated by ';', e.g. dnn/amtl[amtl.budget.lambda=0.001]. Each AMTL-family arm is compared with the "
          + "same head's fbe arm, seed by seed."));
  public static final ConfigKey<int[]> EXPERIMENT_SEEDS = add(intListKey("experiment.seeds", new int[] {1, 2, 3},
      "Training seeds of every arm (initialisation and shuffling); the split and the data layout stay those of "
          + "train.seed.", 0, Integer.MAX_VALUE, false));
  public static final ConfigKey<String> EXPERIMENT_DIMS_ARM = add(stringKey("experiment.dimsArm", "",
      "The arm whose learned dims by frequency the results show (its first seed): an arm of experiment.arms with "
          + "AMTL masks; empty: the first amtl arm.",
      ".*", "an arm of experiment.arms"));
  public static final ConfigKey<Boolean> EXPERIMENT_HOT_START = add(boolKey("experiment.hotStart", true,
      "Also run the hot-start comparison: the data cut into two days by a seeded hash (generated input: "
          + "synthetic.day 0 and 1); on day 2, AMTL from scratch vs hot-started from day 1's AMTL and from day 1's "
          + "FBE, test AUC after every round."));
  public static final ConfigKey<String> EXPERIMENT_OUTPUT = add(stringKey("experiment.output", "experiment-results",
      "Folder that receives <experiment.name>/ with results.json, results.md and the charts (replacing earlier "
          + "results; a folder without results.json is never replaced).", ".+",
      "a path"));

  /** Where the generated log's planted model puts each value's signal ({@code synthetic.plantedDims}). */
  public enum PlantedDims { PREFIX, ALL }

  /** Source formats of the importer. */
  public enum ImportFormat { MOVIELENS_1M, MOVIELENS_100K, CRITEO }

  /** What the AMTL storage penalty averages over. */
  public enum BudgetUnit { LOOKUP, ROW }

  /** Where the embedding rows live while training ({@link #TABLES}). */
  public enum TableMode { AUTO, BROADCAST, SHARDED }

  /** How rows are split into train and test. */
  public enum SplitMode { RANDOM, TIME }

  /** Formats of the click log that input.paths names. */
  public enum InputFormat { PARQUET, ORC, CSV, JSON }

  /** Dense-parameter optimizers that configuration may name. */
  public enum DenseOptimizer { ADAM, SGD }

  private Keys() {}

  private static <T> ConfigKey<T> add(ConfigKey<T> key) {
    if (ALL.put(key.name(), key) != null) {
      throw new IllegalStateException("duplicate config key " + key.name());
    }
    return key;
  }

  /** Every key, in declaration order. */
  public static Map<String, ConfigKey<?>> all() {
    return Collections.unmodifiableMap(ALL);
  }
}

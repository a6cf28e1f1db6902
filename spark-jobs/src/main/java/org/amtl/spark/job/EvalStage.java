package org.amtl.spark.job;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.amtl.core.config.Keys;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.metrics.AucArea;
import org.amtl.core.metrics.BucketedAuc;
import org.amtl.core.metrics.EvalSummary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.train.LocalTrainer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * Scores the test split with a published model: each partition returns mergeable summaries, merged on the driver
 * in partition order, so the AUC is exact over all scores and every figure is the same however tasks ran.
 */
public final class EvalStage {
  /** The merged evaluation. */
  public record Result(EvalSummary summary, BucketedAuc perBucket) {}

  private EvalStage() {}

  public static Result evaluate(JavaRDD<ExampleBlock> test, Broadcast<Vocabulary> counts, ModelExchange.Published state,
      Map<String, String> config, int buckets, int fields) throws IOException {
    String folder = EvalTask.folder(state);
    List<String> files = test.mapPartitionsWithIndex(new EvalTask(counts, state, config, buckets), true).collect();
    return merge(JavaSparkContext.fromSparkContext(test.context()), state.exchange(), folder, files, fields, buckets);
  }

  /**
   * The partitions' summaries ({@link EvalPart} files under {@code folder}, in partition order) merged: loss and
   * calibration sums on the driver in partition order, the exact AUCs by Spark ({@link ExactAuc}); the folder is
   * removed.
   */
  static Result merge(JavaSparkContext sc, ModelExchange exchange, String folder, List<String> files, int fields,
      int buckets) throws IOException {
    EvalSummary figures = new EvalSummary();
    for (String file : files) { // partition order
      figures.merge(exchange.readPart(file, in -> EvalPart.stream(in, buckets, (auc, score, p, q) -> { })));
    }
    AucArea[] areas = ExactAuc.merge(sc, exchange, files, fields, buckets);
    AucArea[][] perBucket = new AucArea[fields][buckets];
    for (int f = 0; f < fields; f++) {
      for (int b = 0; b < buckets; b++) {
        perBucket[f][b] = areas[1 + f * buckets + b];
      }
    }
    exchange.remove(folder);
    return new Result(figures.withArea(areas[0]), BucketedAuc.ofAreas(perBucket));
  }

  /**
   * Scores one partition with the published state; writes its summaries to the exchange folder (per-bucket AUC
   * summaries hold every distinct score per field: too large to send back as a task result) and returns the path.
   */
  static final class EvalTask implements Function2<Integer, Iterator<ExampleBlock>, Iterator<String>> {
    private final Broadcast<Vocabulary> counts;
    private final ModelExchange.Published state;
    private final Map<String, String> config;
    private final int buckets;

    EvalTask(Broadcast<Vocabulary> counts, ModelExchange.Published state, Map<String, String> config, int buckets) {
      this.counts = counts;
      this.state = state;
      this.config = config;
      this.buckets = buckets;
    }

    @Override
    public Iterator<String> call(Integer partition, Iterator<ExampleBlock> blocks) throws IOException {
      LocalTrainer.Evaluation e;
      try (ExecutorModels.Lease lease = ExecutorModels.holding(counts.id(), config, counts.value(), state)) {
        CtrModel model = lease.model();
        e = new LocalTrainer(model, model.config().getInt(Keys.BATCH_SIZE)).evaluate(blocks.next(), buckets);
      } // one block per partition; the copy is free again while the summaries are written
      String file = state.exchange().writePart(folder(state), partition, TaskContext.get().taskAttemptId(),
          EvalPart::write, new EvalPart(partition, e.summary(), e.perBucket()));
      FaultPoint.failFirstAttempt(FaultPoint.EVALUATE_TASK);
      return List.of(file).iterator();
    }

    /** The exchange folder of the evaluations of one published state. */
    static String folder(ModelExchange.Published state) {
      return "eval-" + state.roundsDone();
    }
  }
}

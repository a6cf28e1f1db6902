package org.amtl.spark.job;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.amtl.core.config.Keys;
import org.amtl.core.data.ExampleBlock;
import org.amtl.core.data.Vocabulary;
import org.amtl.core.metrics.BucketedAuc;
import org.amtl.core.metrics.EvalSummary;
import org.amtl.core.model.CtrModel;
import org.amtl.core.train.LocalTrainer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
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
    return merge(state.exchange(), folder, files, fields, buckets);
  }

  /**
   * The partitions' summaries ({@link EvalPart} files under {@code folder}, in partition order) merged; the folder
   * is removed.
   */
  static Result merge(ModelExchange exchange, String folder, List<String> files, int fields, int buckets)
      throws IOException {
    EvalSummary summary = new EvalSummary();
    BucketedAuc perBucket = new BucketedAuc(fields, buckets);
    for (String file : files) { // partition order
      EvalPart p = exchange.readPart(file, EvalPart::read);
      summary.merge(p.summary());
      perBucket.merge(p.perBucket());
    }
    exchange.remove(folder);
    return new Result(summary, perBucket);
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

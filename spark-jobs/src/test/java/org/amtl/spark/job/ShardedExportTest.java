package org.amtl.spark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.amtl.core.config.Keys;
import org.amtl.core.model.CtrModel;
import org.amtl.core.table.TableSummary;
import org.amtl.core.table.TableWriter;
import org.amtl.spark.LocalSparkTest;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

/**
 * The table written shard by shard, part by part and a chunk of 5 rows at a time, is the table written from the
 * whole model: the same files, byte for byte, and the same summary (AMTL under DeepFM, whose rows also hold their
 * first-order weights, before training: the shards start with the whole tables' bits).
 */
class ShardedExportTest extends LocalSparkTest {
  @Test
  void writtenInShardsPartsAndChunksItIsTheWholeModelsTable() throws Exception {
    ShardedFixture fx = ShardedFixture.of(spark, ShardedFixture.config(2_000));
    int rowsPerPart = 37;
    int buckets = fx.config().getInt(Keys.FREQUENCY_BUCKETS);
    CtrModel whole = new CtrModel(fx.config(), fx.vocab());
    Path expected = new Path(dir.resolve("whole").toUri());
    List<String> files = TableWriter.write(whole, expected, fx.sc().hadoopConfiguration(), rowsPerPart);

    RowShards.SliceSpec spec = fx.spec();
    JavaRDD<RowBlock> rows = RowShards.init(fx.ids().ids(), spec, 3);
    ModelExchange exchange = new ModelExchange(new Path(dir.resolve("exchange").toUri()),
        fx.sc().hadoopConfiguration());
    Path sharded = new Path(dir.resolve("sharded").toUri());
    ExportStage.Written written = ShardedExport.of(RowBlock.flatten(rows), fx.ids().ids(), spec, ShardedRounds.denseModel(spec),
        exchange, 0, rowsPerPart, buckets, fx.sc().hadoopConfiguration(), 5).write(sharded);

    assertEquals(files, written.files());
    assertTrue(files.size() > fx.names().size() + 2, "fields span several parts: " + files);
    for (String f : files) {
      assertArrayEquals(Files.readAllBytes(dir.resolve("whole").resolve(f)),
          Files.readAllBytes(dir.resolve("sharded").resolve(f)), f);
    }
    TableSummary summary = TableSummary.of(whole, buckets, rowsPerPart);
    assertEquals(summary.storage().totalKept(), written.table().storage().totalKept());
    for (int f = 0; f < summary.fields().size(); f++) {
      assertArrayEquals(summary.fields().get(f).dimRows(), written.table().fields().get(f).dimRows());
      assertEquals(summary.fields().get(f).parts(), written.table().fields().get(f).parts());
    }
    exchange.clear();
  }
}

package io.actdb.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.StoreConnections;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An actdb store read by Spark ({@link ActdbStoreReader}), and the {@code cka_matrix.sql}-style
 * layer × layer query (layers as rows, a self-join on the sample id, GROUP BY the layer pair) in
 * Spark SQL, against the same query on DuckDB's view of the store.
 */
class StoreOnSparkTest {
  @TempDir static Path store;
  static SparkSession spark;
  static final int SAMPLES = 120;
  static final int[] DIMS = {6, 4, 3};

  /** Layer {@code l} of model {@code m} for sample {@code id}: mixtures of shared signals. */
  static float[] vector(int m, int l, long id) {
    Random r = new Random(id * 1000 + m * 10 + l);
    Random shared = new Random(id);
    float[] v = new float[DIMS[l]];
    for (int k = 0; k < v.length; k++) {
      v[k] = (float) (shared.nextGaussian() * (k + 1) / (l + 1) + 0.5 * r.nextGaussian() + 10 * m);
    }
    return v;
  }

  @BeforeAll
  static void writeStore() throws Exception {
    spark = LocalSpark.get();
    try (StoreWriter w = StoreWriter.open(store)) {
      List<Sample> samples = new ArrayList<>();
      for (long id = 0; id < SAMPLES; id++) {
        samples.add(new Sample(id, id % 3 == 0 ? "train" : "test", (int) (id % 4), "c", "gen"));
      }
      w.addSamples(samples);
      for (int m = 1; m <= 2; m++) {
        for (int l = 0; l < DIMS.length; l++) {
          try (LayerWriter lw = w.beginLayer("m" + m, "l" + l, DIMS[l], "avg")) {
            for (long id = 0; id < SAMPLES; id++) lw.append(id, vector(m, l, id), 0);
            lw.commit();
          }
        }
      }
    }
    ActdbStoreReader.activations(spark, store).createOrReplaceTempView("activations");
    ActdbStoreReader.samples(spark, store).createOrReplaceTempView("samples");
  }

  @Test
  void activationsAreTheStoredVectors() {
    List<Row> rows =
        spark.sql("SELECT model, layer, sample_id, vec FROM activations").collectAsList();
    assertEquals(2 * DIMS.length * SAMPLES, rows.size());
    for (Row r : rows) {
      int m = Integer.parseInt(r.getString(0).substring(1));
      int l = Integer.parseInt(r.getString(1).substring(1));
      List<Float> vec = r.getList(3);
      float[] got = new float[vec.size()];
      for (int k = 0; k < got.length; k++) got[k] = vec.get(k);
      assertArrayEquals(vector(m, l, r.getLong(2)), got);
    }
    assertEquals(SAMPLES / 3, spark.sql("SELECT * FROM samples WHERE split = 'train'").count());
  }

  @Test
  void aMissingModelIsNamed() {
    ActdbSparkException e =
        assertThrows(
            ActdbSparkException.class, () -> ActdbStoreReader.activations(spark, store, "m9"));
    assertTrue(e.getMessage().contains("no per-sample layer of model m9; its models are [m1, m2]"));
  }

  static final String LAYER_MATRIX =
      """
      WITH picked AS (
        SELECT a.model, a.layer, a.sample_id, a.vec
        FROM activations a JOIN samples s USING (sample_id)
        WHERE s.split = 'test'
      )
      SELECT a.layer || '|' || b.layer AS pair,
             cka(a.vec, b.vec) AS cka,
             cka_debiased(a.vec, b.vec) AS cka_debiased
      FROM picked a JOIN picked b USING (sample_id)
      WHERE a.model = '%s' AND b.model = '%s'
      GROUP BY a.layer, b.layer
      """;

  @Test
  void layerByLayerCkaEqualsDuckDb() throws Exception {
    Map<Object, List<Object>> expected;
    try (Connection duck = StoreConnections.open(store)) {
      expected = Fixtures.duckdbByKey(duck, LAYER_MATRIX.formatted("m1", "m2"));
    }
    Map<Object, Row> actual = Fixtures.sparkByKey(spark.sql(LAYER_MATRIX.formatted("m1", "m2")));
    assertEquals(DIMS.length * DIMS.length, expected.size());
    assertEquals(expected.keySet(), actual.keySet());
    for (Object pair : expected.keySet()) {
      for (int c = 0; c < 2; c++) {
        Object e = Fixtures.plain(expected.get(pair).get(c));
        Object a = Fixtures.plain(actual.get(pair).get(c + 1));
        assertTrue(e != null, "every pair has a value");
        assertNull(Fixtures.difference(e, a, pair + " column " + c));
      }
    }
  }

  @Test
  void aLayerAgainstItselfHasCkaOne() {
    for (Row r : spark.sql(LAYER_MATRIX.formatted("m1", "m1")).collectAsList()) {
      String[] pair = r.getString(0).split("\\|");
      if (pair[0].equals(pair[1])) {
        assertEquals(1.0, r.getDouble(1), 1e-12, r.toString());
        assertEquals(1.0, r.getDouble(2), 1e-12, r.toString());
      } else {
        assertTrue(r.getDouble(1) < 0.999, "different layers differ: " + r);
      }
    }
  }
}

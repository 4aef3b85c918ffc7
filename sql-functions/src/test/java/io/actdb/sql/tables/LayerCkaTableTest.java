package io.actdb.sql.tables;

import static io.actdb.sql.TestDb.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.actdb.sql.StoreConnections;
import io.actdb.sql.cka.CkaReference;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code layer_cka} over a store whose layers disagree on which samples they hold and in which
 * order, checked against a plain-Java CKA over the samples every chosen layer holds ({@link
 * CkaReference}) and against the pairwise functions; its errors; its cancellation.
 */
class LayerCkaTableTest {
  private static final int SAMPLES = 300;

  @TempDir Path dir;
  private BufferAllocator allocator;

  /** What was written: layer "model/layer" → sample id → vector. */
  private final Map<String, Map<Long, float[]>> written = new LinkedHashMap<>();

  private final Map<Long, String> splitOf = new HashMap<>();

  @BeforeEach
  void writeStore() throws IOException {
    allocator = new RootAllocator();
    SplittableRandom random = new SplittableRandom(18);
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      List<Sample> samples = new ArrayList<>();
      List<Long> ids = new ArrayList<>();
      for (int r = 0; r < SAMPLES; r++) {
        long id = 3L * r + 1;
        String split = r % 4 == 0 ? "test" : "train";
        samples.add(new Sample(id, split, r % 3, "c" + (r % 3), "gen"));
        splitOf.put(id, split);
        ids.add(id);
      }
      w.addSamples(samples);
      // Model a: every sample, in order; its second layer depends on its first.
      float[][] base = new float[SAMPLES][6];
      for (float[] row : base) for (int k = 0; k < 6; k++) row[k] = (float) random.nextGaussian();
      write(w, "a", "l1", 6, ids, id -> base[index(id)]);
      write(
          w,
          "a",
          "l2",
          9,
          ids,
          id -> {
            float[] v = new float[9];
            float[] b = base[index(id)];
            for (int k = 0; k < 9; k++) v[k] = b[k % 6] * (k + 1) + 0.3f * (float) gauss(id, k);
            return v;
          });
      // Model b: h1 in reverse order without every 7th sample; h2 shuffled, without every 11th,
      // with 5 samples no other layer has; both near a's first layer.
      List<Long> h1 = new ArrayList<>();
      for (long id : ids) if (index(id) % 7 != 3) h1.add(id);
      Collections.reverse(h1);
      write(
          w,
          "b",
          "h1",
          5,
          h1,
          id -> {
            float[] v = new float[5];
            for (int k = 0; k < 5; k++) v[k] = base[index(id)][k] + (float) gauss(id, 10 + k);
            return v;
          });
      List<Long> h2 = new ArrayList<>();
      for (long id : ids) if (index(id) % 11 != 5) h2.add(id);
      for (long extra = 0; extra < 5; extra++) h2.add(100_000 + extra);
      Collections.shuffle(h2, new Random(5));
      write(
          w,
          "b",
          "h2",
          4,
          h2,
          id -> {
            float[] v = new float[4];
            for (int k = 0; k < 4; k++) {
              v[k] = 1000f + (id >= 100_000 ? 0 : base[index(id)][k + 2]) + (float) gauss(id, 20);
            }
            return v;
          });
      // Model bad: one NaN.
      write(
          w,
          "bad",
          "x",
          3,
          ids,
          id -> new float[] {1, index(id) == 17 ? Float.NaN : 2, (float) gauss(id, 30)});
    }
  }

  private static int index(long id) {
    return (int) ((id - 1) / 3);
  }

  /** A deterministic N(0, 1)-ish value per (id, k). */
  private static double gauss(long id, int k) {
    return new SplittableRandom(id * 131 + k).nextGaussian();
  }

  private void write(
      StoreWriter w,
      String model,
      String layer,
      int dim,
      List<Long> ids,
      LongFunction<float[]> vector)
      throws IOException {
    Map<Long, float[]> rows = new LinkedHashMap<>();
    try (LayerWriter lw = w.beginLayer(model, layer, dim, "avg")) {
      for (long id : ids) {
        float[] v = vector.apply(id);
        rows.put(id, v);
        lw.append(id, v, 0);
      }
      lw.commit();
    }
    written.put(model + "/" + layer, rows);
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, ArrowFileScan.openResources(), "Arrow readers left open");
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  /** The samples all {@code layers} hold, of {@code split} (null: all). */
  private TreeSet<Long> common(List<String> layers, String split) {
    TreeSet<Long> ids = new TreeSet<>(written.get(layers.get(0)).keySet());
    for (String l : layers) ids.retainAll(written.get(l).keySet());
    if (split != null) ids.removeIf(id -> !split.equals(splitOf.get(id)));
    return ids;
  }

  private float[][] matrix(String layer, TreeSet<Long> ids) {
    float[][] out = new float[ids.size()][];
    int i = 0;
    for (long id : ids) out[i++] = written.get(layer).get(id);
    return out;
  }

  private static void assertClose(double expected, Object actual, String what) {
    double got = ((Number) actual).doubleValue();
    assertEquals(expected, got, 1e-9 * Math.abs(expected), what);
  }

  @Test
  void everyPairEqualsPlainCkaOverTheSamplesAllLayersHoldWhateverTheirOrder() throws Exception {
    try (Connection c = StoreConnections.open(dir)) {
      for (String split : new String[] {null, "test"}) {
        String call = "layer_cka('a', 'b'" + (split == null ? "" : ", split := '" + split + "'");
        List<List<Object>> got =
            rows(
                c,
                "SELECT layer_a, position_a, layer_b, position_b, cka, cka_debiased FROM "
                    + call
                    + ")");
        TreeSet<Long> ids = common(List.of("a/l1", "a/l2", "b/h1", "b/h2"), split);
        assertTrue(ids.size() > 50 && ids.size() < SAMPLES, "the samples dropped: " + ids.size());
        String[][] pairs = {{"l1", "h1"}, {"l1", "h2"}, {"l2", "h1"}, {"l2", "h2"}};
        assertEquals(pairs.length, got.size());
        for (int p = 0; p < pairs.length; p++) {
          List<Object> row = got.get(p);
          String what = call + " " + row;
          assertEquals(
              List.of(pairs[p][0], p / 2, pairs[p][1], p % 2), row.subList(0, 4), "order " + what);
          float[][] x = matrix("a/" + pairs[p][0], ids);
          float[][] y = matrix("b/" + pairs[p][1], ids);
          assertClose(CkaReference.cka(x, y), row.get(4), "cka " + what);
          assertClose(CkaReference.ckaDebiased(x, y), row.get(5), "cka_debiased " + what);
        }
      }
      // The pairwise functions over the same samples agree.
      String pairwise =
          "SELECT cka(x.vec, y.vec), cka_debiased(x.vec, y.vec) FROM layer('a', 'l2') x JOIN"
              + " layer('b', 'h2') y USING (sample_id) WHERE sample_id IN (SELECT sample_id FROM"
              + " layer('a', 'l1') INTERSECT SELECT sample_id FROM layer('b', 'h1'))";
      List<Object> expected = rows(c, pairwise).get(0);
      List<Object> got =
          rows(c, "SELECT cka, cka_debiased FROM layer_cka('a', 'b') WHERE layer_b = 'h2'").get(1);
      for (int v = 0; v < 2; v++) {
        assertClose(((Number) expected.get(v)).doubleValue(), got.get(v), pairwise);
      }
    }
  }

  @Test
  void aModelWithItselfGivesEveryPairOfItsLayers() throws Exception {
    try (Connection c = StoreConnections.open(dir)) {
      List<List<Object>> got =
          rows(c, "SELECT layer_a, layer_b, cka, cka_debiased FROM layer_cka('b', 'b')");
      assertEquals(4, got.size());
      TreeSet<Long> ids = common(List.of("b/h1", "b/h2"), null);
      String[] names = {"h1", "h2"};
      for (int p = 0; p < 4; p++) {
        List<Object> row = got.get(p);
        assertEquals(List.of(names[p / 2], names[p % 2]), row.subList(0, 2));
        float[][] x = matrix("b/" + names[p / 2], ids);
        float[][] y = matrix("b/" + names[p % 2], ids);
        assertClose(CkaReference.cka(x, y), row.get(2), "cka " + row);
        assertClose(CkaReference.ckaDebiased(x, y), row.get(3), "cka_debiased " + row);
      }
      assertEquals(1.0, ((Number) got.get(0).get(2)).doubleValue(), 1e-12);
    }
  }

  @Test
  void columnsProjectionsAndCount() throws Exception {
    try (Connection c = StoreConnections.open(dir)) {
      List<List<Object>> columns =
          rows(c, "SELECT column_name, column_type FROM (DESCRIBE FROM layer_cka('a', 'b'))");
      assertEquals(
          List.of(
              List.of("layer_a", "VARCHAR"),
              List.of("position_a", "INTEGER"),
              List.of("layer_b", "VARCHAR"),
              List.of("position_b", "INTEGER"),
              List.of("cka", "DOUBLE"),
              List.of("cka_debiased", "DOUBLE")),
          columns);
      assertEquals(
          4L,
          ((Number) rows(c, "SELECT count(*) FROM layer_cka('a', 'b')").get(0).get(0)).longValue());
      List<List<Object>> two =
          rows(c, "SELECT cka_debiased, layer_b FROM layer_cka('a', 'b') ORDER BY cka_debiased");
      assertEquals(4, two.size());
      assertInstanceOf(Double.class, two.get(0).get(0));
      assertInstanceOf(String.class, two.get(0).get(1));
      // Arguments may be constant expressions, as the README's variables are.
      try (Statement st = c.createStatement()) {
        st.execute("SET VARIABLE model_a = 'a'");
      }
      assertEquals(
          rows(c, "SELECT * FROM layer_cka('a', 'a')"),
          rows(c, "SELECT * FROM layer_cka(getvariable('model_a'), 'a')"));
    }
  }

  @Test
  void errorsSayWhatIsWrongAndHowToFixIt() throws Exception {
    try (Connection c = StoreConnections.open(dir)) {
      String noModel = error(c, "SELECT * FROM layer_cka('a', 'zz')");
      assertTrue(
          noModel.contains("layer_cka: no model zz in the store") && noModel.contains("a, b, bad"),
          noModel);
      String nullModel = error(c, "SELECT * FROM layer_cka(NULL, 'a')");
      assertTrue(nullModel.contains("must not be NULL"), nullModel);
      String noSplit = error(c, "SELECT * FROM layer_cka('a', 'b', split := 'tset')");
      assertTrue(
          noSplit.contains("no sample has split 'tset'") && noSplit.contains("test, train"),
          noSplit);
      String nan = error(c, "SELECT * FROM layer_cka('a', 'bad')");
      assertTrue(nan.contains("layer bad/x contains NaN"), nan);
      // The connection still answers.
      assertEquals(4, rows(c, "SELECT * FROM layer_cka('a', 'b')").size());
    }
  }

  private static String error(Connection c, String sql) {
    return assertThrows(SQLException.class, () -> rows(c, sql), sql).getMessage();
  }

  @Test
  void layersWithoutCommonSamplesGiveNullValues() throws Exception {
    Path other = dir.resolve("disjoint");
    try (StoreWriter w = StoreWriter.open(other, allocator)) {
      for (String[] spec : new String[][] {{"p", "0"}, {"q", "1000"}}) {
        try (LayerWriter lw = w.beginLayer(spec[0], "only", 2, "avg")) {
          long first = Long.parseLong(spec[1]);
          for (long id = first; id < first + 10; id++) lw.append(id, new float[] {id, -id}, 0);
          lw.commit();
        }
      }
    }
    try (Connection c = StoreConnections.open(other)) {
      List<List<Object>> got = rows(c, "SELECT cka, cka_debiased FROM layer_cka('p', 'q')");
      assertEquals(1, got.size());
      assertNull(got.get(0).get(0));
      assertNull(got.get(0).get(1));
    }
  }

  @Test
  void aCancelStopsALongRun() throws Exception {
    Path big = dir.resolve("big");
    int n = 8000;
    int dim = 1536;
    SplittableRandom random = new SplittableRandom(3);
    try (StoreWriter w = StoreWriter.open(big, allocator)) {
      float[] v = new float[dim];
      for (String layer : new String[] {"l1", "l2", "l3"}) {
        try (LayerWriter lw = w.beginLayer("m", layer, dim, "avg")) {
          for (long id = 0; id < n; id++) {
            for (int k = 0; k < dim; k++) v[k] = (float) random.nextDouble();
            lw.append(id, v, 0);
          }
          lw.commit();
        }
      }
    }
    // n·(3·1536)² ≈ 1.7e11 multiply-adds: seconds of kernel work on any machine this runs on.
    try (Connection c = StoreConnections.open(big)) {
      Statement st = c.createStatement();
      CompletableFuture<Object> query =
          CompletableFuture.supplyAsync(
              () -> {
                try (ResultSet rs = st.executeQuery("SELECT * FROM layer_cka('m', 'm')")) {
                  rs.next();
                  return rs.getObject(5);
                } catch (SQLException e) {
                  return e;
                }
              });
      Thread.sleep(700);
      assertTrue(!query.isDone(), "ended before the cancel: " + query.getNow(null));
      st.cancel();
      Object outcome;
      try {
        outcome = query.get(5, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        query.get(120, TimeUnit.SECONDS);
        fail("layer_cka did not stop within 5 s of the cancel");
        return;
      }
      SQLException cancelled = assertInstanceOf(SQLException.class, outcome);
      String message = cancelled.getMessage().toLowerCase(Locale.ROOT);
      assertTrue(message.contains("cancel") || message.contains("interrupt"), message);
      st.close();
      assertEquals(3L, ((Number) rows(c, "SELECT count(*) FROM layers").get(0).get(0)).longValue());
    }
  }
}

package io.actdb.sql.tables;

import static io.actdb.sql.TestDb.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.StoreConnections;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store seen through DuckDB: the views, {@code layer(...)}, damaged files, concurrency. */
class StoreViewsTest {
  static final int ROWS = 5000;

  @TempDir Path dir;
  private BufferAllocator allocator;

  /** The vectors written, per layer: [layer][row][j]; row r has sample_id 10 * r. */
  private final List<float[][]> written = new ArrayList<>();

  @BeforeEach
  void writeStore() throws IOException {
    allocator = new RootAllocator();
    SplittableRandom random = new SplittableRandom(7);
    int[] dims = {16, 24, 8};
    String[][] names = {{"cnn", "conv1"}, {"cnn", "fc"}, {"mlp", "h1"}};
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      List<Sample> samples = new ArrayList<>();
      for (int r = 0; r < ROWS; r++) {
        samples.add(
            new Sample(10L * r, r % 5 == 0 ? "test" : "train", r % 10, "class" + (r % 10), "gen"));
      }
      w.addSamples(samples);
      for (int l = 0; l < dims.length; l++) {
        float[][] rows = new float[ROWS][dims[l]];
        try (LayerWriter lw = w.beginLayer(names[l][0], names[l][1], dims[l], "avg")) {
          for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < dims[l]; j++) rows[r][j] = (float) random.nextGaussian();
            lw.append(10L * r, rows[r], 0);
          }
          lw.commit();
        }
        written.add(rows);
      }
    }
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, ArrowFileScan.openResources(), "Arrow readers left open");
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private static Object value(Connection c, String sql) throws SQLException {
    return rows(c, sql).get(0).get(0);
  }

  private double sumOfFirst(int layer) {
    double s = 0;
    for (float[] row : written.get(layer)) s += row[0];
    return s;
  }

  @Test
  void viewsShowTheStore() throws SQLException {
    try (Connection c = StoreConnections.open(dir)) {
      assertEquals(
          List.of(
              List.of("cnn", "conv1", 16, 5000L, "avg"),
              List.of("cnn", "fc", 24, 5000L, "avg"),
              List.of("mlp", "h1", 8, 5000L, "avg")),
          rows(c, "SELECT model, layer, dim, rows, pooling FROM layers ORDER BY ALL"));
      assertEquals(5000L, value(c, "SELECT count(*) FROM samples"));
      assertEquals(1000L, value(c, "SELECT count(*) FROM samples WHERE split = 'test'"));
      assertEquals(
          List.of(Arrays.asList(30L, "train", 3, "class3", "gen", null)),
          rows(c, "SELECT * FROM samples WHERE sample_id = 30"));
      assertEquals(
          List.of(
              List.of("cnn", "conv1", 5000L),
              List.of("cnn", "fc", 5000L),
              List.of("mlp", "h1", 5000L)),
          rows(c, "SELECT model, layer, count(*) FROM activations GROUP BY ALL ORDER BY ALL"));
      assertEquals("FLOAT[16]", value(c, "SELECT typeof(vec) FROM layer('cnn', 'conv1') LIMIT 1"));
      assertEquals("FLOAT[]", value(c, "SELECT typeof(vec) FROM activations LIMIT 1"));
      // values as written, through both ways in
      assertEquals(
          sumOfFirst(1),
          ((Number) value(c, "SELECT sum(vec[1]::DOUBLE) FROM layer('cnn', 'fc')")).doubleValue(),
          1e-9);
      assertEquals(
          sumOfFirst(2),
          ((Number)
                  value(
                      c,
                      "SELECT sum(vec[1]::DOUBLE) FROM activations WHERE model = 'mlp' AND layer ="
                          + " 'h1'"))
              .doubleValue(),
          1e-9);
      assertEquals(
          (double) written.get(0)[123][15],
          ((Number) value(c, "SELECT vec[16] FROM layer('cnn', 'conv1') WHERE sample_id = 1230"))
              .doubleValue());
      // joins with samples
      assertEquals(
          500L,
          value(
              c,
              "SELECT count(*) FROM layer('cnn', 'fc') JOIN samples USING (sample_id) WHERE label ="
                  + " 4"));
      SQLException missing =
          assertThrows(
              SQLException.class, () -> value(c, "SELECT count(*) FROM layer('cnn', 'nope')"));
      assertTrue(
          missing.getMessage().contains("no layer cnn/nope")
              && missing.getMessage().contains("cnn/conv1, cnn/fc, mlp/h1"),
          missing.getMessage());
    }
  }

  @Test
  void ckaOverStoreLayersEqualsCkaOverTheSameDataInATable() throws SQLException {
    try (Connection c = StoreConnections.open(dir)) {
      double fromStore =
          ((Number)
                  value(
                      c,
                      "SELECT cka(a.vec, b.vec) FROM layer('cnn', 'conv1') a JOIN layer('cnn',"
                          + " 'fc') b USING (sample_id)"))
              .doubleValue();
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE t (id BIGINT, a FLOAT[16], b FLOAT[24])");
      }
      try (var appender = c.unwrap(DuckDBConnection.class).createAppender("t")) {
        for (int r = 0; r < ROWS; r++)
          appender
              .beginRow()
              .append(10L * r)
              .append(written.get(0)[r])
              .append(written.get(1)[r])
              .endRow();
      }
      double fromTable = ((Number) value(c, "SELECT cka(a, b) FROM t")).doubleValue();
      assertEquals(fromTable, fromStore, 1e-10); // the join may feed rows in another order
      assertTrue(fromStore > 0 && fromStore < 1);
      // and per class, as the contract promises
      assertEquals(
          10,
          rows(
                  c,
                  "SELECT label, cka(a.vec, b.vec) FROM layer('cnn', 'conv1') a JOIN layer('cnn',"
                      + " 'fc') b USING (sample_id) JOIN samples USING (sample_id) GROUP BY label")
              .size());
    }
  }

  @Test
  void layerCkaEqualsThePairwiseFunctionsForEveryPair() throws SQLException {
    try (Connection c = StoreConnections.open(dir)) {
      String[][] cases = {{"cnn", "cnn", null}, {"cnn", "mlp", null}, {"mlp", "cnn", "test"}};
      for (String[] k : cases) {
        String split = k[2] == null ? "" : ", split := '" + k[2] + "'";
        List<List<Object>> got =
            rows(
                c,
                "SELECT layer_a, position_a, layer_b, position_b, cka, cka_debiased FROM"
                    + " layer_cka('%s', '%s'%s)".formatted(k[0], k[1], split));
        List<List<Object>> want =
            rows(
                c,
                ("SELECT la.layer, la.position, lb.layer, lb.position FROM layers la, layers lb"
                        + " WHERE la.model = '%s' AND lb.model = '%s'"
                        + " ORDER BY la.position, lb.position")
                    .formatted(k[0], k[1]));
        assertEquals(want.size(), got.size(), Arrays.toString(k));
        for (int i = 0; i < want.size(); i++) {
          List<Object> row = got.get(i);
          assertEquals(want.get(i), row.subList(0, 4), Arrays.toString(k));
          String where = k[2] == null ? "" : " WHERE split = '" + k[2] + "'";
          String pairwise =
              ("SELECT cka(a.vec, b.vec), cka_debiased(a.vec, b.vec) FROM layer('%s', '%s') a"
                      + " JOIN layer('%s', '%s') b USING (sample_id) JOIN samples USING"
                      + " (sample_id)%s")
                  .formatted(k[0], row.get(0), k[1], row.get(2), where);
          List<Object> expected = rows(c, pairwise).get(0);
          for (int v = 0; v < 2; v++) {
            double e = ((Number) expected.get(v)).doubleValue();
            assertEquals(e, ((Number) row.get(4 + v)).doubleValue(), 1e-9 * Math.abs(e), pairwise);
          }
        }
      }
    }
  }

  @Test
  void layerCcaEqualsThePairwiseFunctionsBothWays() throws SQLException {
    try (Connection c = StoreConnections.open(dir)) {
      List<List<Object>> got =
          rows(
              c,
              "SELECT layer_a, layer_b, cca_rho_mean, svcca_r2, pwcca, pwcca_reverse, linreg_r2,"
                  + " linreg_r2_reverse FROM layer_cca('cnn', 'mlp', split := 'test', keep :="
                  + " 0.9)");
      assertEquals(2, got.size());
      for (List<Object> row : got) {
        String pairwise =
            ("SELECT cca(a.vec, b.vec).rho_mean, svcca(a.vec, b.vec, 0.9).r2, pwcca(a.vec, b.vec),"
                    + " pwcca(b.vec, a.vec), linreg_r2(a.vec, b.vec), linreg_r2(b.vec, a.vec)"
                    + " FROM layer('cnn', '%s') a JOIN layer('mlp', '%s') b USING (sample_id)"
                    + " JOIN samples USING (sample_id) WHERE split = 'test'")
                .formatted(row.get(0), row.get(1));
        List<Object> expected = rows(c, pairwise).get(0);
        for (int v = 0; v < 6; v++) {
          double e = ((Number) expected.get(v)).doubleValue();
          assertEquals(e, ((Number) row.get(2 + v)).doubleValue(), 1e-9, pairwise + " #" + v);
        }
      }
    }
  }

  @Test
  void aQueryOnOneLayerReadsOnlyItsFileAndADamagedFileIsNamed() throws Exception {
    Store store = Store.open(dir);
    Path fc = store.fileOf(store.manifest().layer("cnn", "fc").orElseThrow());
    try (FileChannel ch = FileChannel.open(fc, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 100);
    }
    try (Connection c = StoreConnections.open(dir)) {
      // the other layers, through the view and through layer(...), are fine
      assertEquals(
          5000L,
          value(c, "SELECT count(*) FROM activations WHERE model = 'cnn' AND layer = 'conv1'"));
      assertEquals(5000L, value(c, "SELECT count(vec) FROM activations WHERE model = 'mlp'"));
      assertEquals(5000L, value(c, "SELECT count(*) FROM layer('cnn', 'conv1')"));
      SQLException broken =
          assertThrows(
              SQLException.class,
              () -> value(c, "SELECT count(*) FROM activations WHERE layer = 'fc'"));
      assertTrue(
          broken.getMessage().contains(fc.toString()) && broken.getMessage().contains("cnn/fc"),
          broken.getMessage());
      SQLException all =
          assertThrows(SQLException.class, () -> value(c, "SELECT count(*) FROM activations"));
      assertTrue(all.getMessage().contains(fc.toString()), all.getMessage());
      // the connection stays usable
      assertEquals(5000L, value(c, "SELECT count(*) FROM samples"));
    }
  }

  @Test
  void severalConnectionsAndThreadsSeeTheSameData() throws Exception {
    String sql =
        "SELECT layer, count(*), sum(vec[1]::DOUBLE), cka(vec, vec) FROM activations GROUP BY layer"
            + " ORDER BY layer";
    List<List<Object>> expected;
    try (Connection c = StoreConnections.open(dir)) {
      expected = rows(c, sql);
    }
    assertEquals(3, expected.size());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<List<Object>>>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        final int threads = 1 + t % 4;
        results.add(
            pool.submit(
                () -> {
                  try (Connection c = StoreConnections.open(dir);
                      Statement st = c.createStatement()) {
                    st.execute("SET threads = " + threads);
                    List<List<Object>> last = null;
                    for (int i = 0; i < 3; i++) last = rows(c, sql);
                    return last;
                  }
                }));
      }
      for (Future<List<List<Object>>> f : results) {
        List<List<Object>> got = f.get();
        for (int i = 0; i < 3; i++) {
          assertEquals(expected.get(i).get(0), got.get(i).get(0));
          assertEquals(expected.get(i).get(1), got.get(i).get(1));
          assertEquals(
              ((Number) expected.get(i).get(2)).doubleValue(),
              ((Number) got.get(i).get(2)).doubleValue(),
              1e-9);
          assertEquals(1.0, ((Number) got.get(i).get(3)).doubleValue(), 1e-9);
        }
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void anEmptyStoreHasEmptyTypedViews() throws Exception {
    Path empty = dir.resolve("empty");
    StoreWriter.open(empty, allocator).close();
    // a writer that published nothing leaves nothing: not a store yet
    SQLException none =
        assertThrows(SQLException.class, () -> StoreConnections.open(empty).close());
    assertTrue(none.getMessage().contains("no such store directory"), none.getMessage());
    try (StoreWriter w = StoreWriter.open(empty, allocator)) {
      w.addSamples(List.of(new Sample(1, null, null, null, null)));
    }
    try (Connection c = StoreConnections.open(empty)) {
      assertEquals(0L, value(c, "SELECT count(*) FROM activations"));
      assertEquals(0L, value(c, "SELECT count(*) FROM layers"));
      assertEquals(1L, value(c, "SELECT count(*) FROM samples"));
    }
  }
}

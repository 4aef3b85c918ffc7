package io.actdb.sql.cka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.TestDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;

/**
 * {@code cka_matrix}: every pair's value equals the plain-Java oracle ({@link CkaReference}) and
 * the pairwise {@code cka}/{@code cka_debiased} on the same rows, to 1e-9 relative; grouping,
 * chunks, threads, offsets, NULL rows, constant layers and mismatched rows.
 */
class CkaMatrixTest {
  private static final int[] DIMS = {5, 7, 3};

  /** Three layers of the same samples: a shared latent factor, each through its own map. */
  private static float[][][] layers(Random random, int n, float offset) {
    float[][] latent = TestDb.gaussian(random, n, 4);
    float[][][] out = new float[DIMS.length][n][];
    for (int l = 0; l < DIMS.length; l++) {
      float[][] map = TestDb.gaussian(random, 4, DIMS[l]);
      for (int i = 0; i < n; i++) {
        out[l][i] = new float[DIMS[l]];
        for (int k = 0; k < DIMS[l]; k++) {
          double v = 0.3 * random.nextGaussian();
          for (int f = 0; f < 4; f++) v += latent[i][f] * map[f][k];
          // Multiples of 1/1024 with an exact offset on layer 2 (index 1).
          out[l][i][k] = Math.round(v * 1024) / 1024f + (l == 1 ? offset : 0f);
        }
      }
    }
    return out;
  }

  private static void createTable(Connection c, float[][][] layers, int[] group)
      throws SQLException {
    TestDb.exec(
        c,
        "CREATE OR REPLACE TABLE w (g BIGINT, sample_id BIGINT, v1 FLOAT[5], v2 FLOAT[7],"
            + " v3 FLOAT[3])");
    try (var appender = c.unwrap(DuckDBConnection.class).createAppender("w")) {
      for (int i = 0; i < layers[0].length; i++) {
        appender
            .beginRow()
            .append((long) group[i])
            .append((long) i)
            .append(layers[0][i])
            .append(layers[1][i])
            .append(layers[2][i])
            .endRow();
      }
    }
  }

  /** (g, i, j) → {cka, cka_debiased} from cka_matrix over w, grouped by g. */
  private static Map<List<Long>, Double[]> matrix(Connection c, String from) throws SQLException {
    Map<List<Long>, Double[]> out = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT g, p.i, p.j, p.cka, p.cka_debiased FROM (SELECT g,"
                    + " unnest(cka_matrix(vecs)) AS p FROM "
                    + from
                    + " GROUP BY g)")) {
      while (r.next()) {
        out.put(
            List.of(r.getLong(1), r.getLong(2), r.getLong(3)),
            new Double[] {(Double) r.getObject(4), (Double) r.getObject(5)});
      }
    }
    return out;
  }

  private static final String LISTS =
      "(SELECT g, [v1::FLOAT[], v2::FLOAT[], v3::FLOAT[]] AS vecs FROM w)";

  @Test
  void everyPairEqualsTheOracleAndThePairwiseFunctions() throws SQLException {
    Random random = new Random(2026);
    int n = 2500; // two chunks or more: update in blocks, combine across threads
    float[][][] layers = layers(random, n, 1000f);
    int[] group = new int[n];
    for (int i = 0; i < n; i++) group[i] = i % 7 == 0 ? 1 : 0;
    try (Connection c = TestDb.open()) {
      TestDb.exec(c, "SET threads = 2");
      createTable(c, layers, group);
      Map<List<Long>, Double[]> got = matrix(c, LISTS);
      assertEquals(2 * 9, got.size());
      for (int g = 0; g <= 1; g++) {
        for (int l = 0; l < 3; l++) {
          for (int q = 0; q < 3; q++) {
            float[][] x = rowsOf(layers[l], group, g);
            float[][] y = rowsOf(layers[q], group, g);
            Double[] pair = got.get(List.of((long) g, l + 1L, q + 1L));
            double want = CkaReference.cka(x, y);
            double wantDebiased = CkaReference.ckaDebiased(x, y);
            assertEquals(want, pair[0], 1e-9 * want, "cka " + g + " " + l + " " + q);
            assertEquals(
                wantDebiased, pair[1], 1e-9 * Math.abs(wantDebiased), "debiased " + l + " " + q);
            String pairwise =
                "SELECT cka(v%1$d, v%2$d), cka_debiased(v%1$d, v%2$d) FROM w WHERE g = %3$d"
                    .formatted(l + 1, q + 1, g);
            double[] sql = two(c, pairwise);
            assertEquals(sql[0], pair[0], 1e-9 * want, "pairwise cka " + l + " " + q);
            assertEquals(sql[1], pair[1], 1e-9 * Math.abs(wantDebiased), "pairwise debiased");
          }
        }
      }
      // The documented form: one row per sample and layer, gathered with list(... ORDER BY).
      TestDb.exec(
          c,
          "CREATE TABLE t AS SELECT g, sample_id, 1 AS layer, v1::FLOAT[] AS vec FROM w UNION ALL"
              + " SELECT g, sample_id, 2, v2::FLOAT[] FROM w UNION ALL"
              + " SELECT g, sample_id, 3, v3::FLOAT[] FROM w");
      Map<List<Long>, Double[]> gathered =
          matrix(
              c,
              "(SELECT g, list(vec ORDER BY layer) AS vecs FROM t GROUP BY g, sample_id"
                  + " ORDER BY random())");
      for (var e : got.entrySet()) {
        Double[] other = gathered.get(e.getKey());
        assertEquals(e.getValue()[0], other[0], 1e-9, "gathered " + e.getKey());
        assertEquals(e.getValue()[1], other[1], 1e-9, "gathered " + e.getKey());
      }
    }
  }

  @Test
  void nullRowsAreSkippedAndConstantLayersGiveNull() throws SQLException {
    Random random = new Random(7);
    int n = 40;
    float[][][] layers = layers(random, n, 0f);
    try (Connection c = TestDb.open()) {
      createTable(c, layers, new int[n]);
      // A NULL list, and a NULL vector inside a list, drop their rows: the same as filtering.
      Map<List<Long>, Double[]> skipped =
          matrix(
              c,
              "(SELECT g, CASE WHEN sample_id = 3 THEN NULL ELSE [v1::FLOAT[], CASE WHEN"
                  + " sample_id = 5 THEN NULL ELSE v2::FLOAT[] END, v3::FLOAT[]] END AS vecs"
                  + " FROM w)");
      Map<List<Long>, Double[]> filtered =
          matrix(
              c,
              "(SELECT g, [v1::FLOAT[], v2::FLOAT[], v3::FLOAT[]] AS vecs FROM w"
                  + " WHERE sample_id NOT IN (3, 5))");
      for (var e : filtered.entrySet()) {
        assertEquals(e.getValue()[0], skipped.get(e.getKey())[0], 1e-12, "" + e.getKey());
      }
      assertTrue(filtered.get(List.of(0L, 1L, 2L))[0] < 0.999, "not all ones");
      // Layer 3 constant: its pairs are NULL, the others are defined.
      Map<List<Long>, Double[]> constant =
          matrix(c, "(SELECT g, [v1::FLOAT[], v2::FLOAT[], [1, 2, 3]::FLOAT[]] AS vecs FROM w)");
      assertNull(constant.get(List.of(0L, 1L, 3L))[0]);
      assertNull(constant.get(List.of(0L, 3L, 3L))[1]);
      assertNotNull(constant.get(List.of(0L, 1L, 2L))[0]);
      // Too few rows for the debiased estimator: NULL there, the biased value defined.
      Map<List<Long>, Double[]> three =
          matrix(c, "(SELECT g, [v1::FLOAT[], v2::FLOAT[]] AS vecs FROM w LIMIT 3)");
      assertNotNull(three.get(List.of(0L, 1L, 2L))[0]);
      assertNull(three.get(List.of(0L, 1L, 2L))[1]);
      assertNull(
          TestDb.scalar(
              c, "SELECT len(cka_matrix([v1::FLOAT[], v2::FLOAT[]])) FROM w WHERE sample_id < 0"),
          "no rows: NULL");
    }
  }

  @Test
  void rowsThatDisagreeOnLayersOrDimsAreClearErrors() throws SQLException {
    try (Connection c = TestDb.open()) {
      SQLException count =
          assertThrows(
              SQLException.class,
              () ->
                  TestDb.scalar(
                      c,
                      "SELECT len(cka_matrix(v)) FROM (VALUES ([[1, 2], [3, 4]]::FLOAT[][]),"
                          + " ([[1, 2]]::FLOAT[][])) t(v)"));
      assertTrue(
          count.getMessage().contains("vecs holds 1 vectors in one row but 2 in an earlier row"),
          count.getMessage());
      SQLException dim =
          assertThrows(
              SQLException.class,
              () ->
                  TestDb.scalar(
                      c,
                      "SELECT len(cka_matrix(v)) FROM (VALUES ([[1, 2], [3, 4]]::FLOAT[][]),"
                          + " ([[1, 2], [3, 4, 5]]::FLOAT[][])) t(v)"));
      assertTrue(dim.getMessage().contains("vecs[2] has 3 elements"), dim.getMessage());
      SQLException nan =
          assertThrows(
              SQLException.class,
              () ->
                  TestDb.scalar(
                      c, "SELECT len(cka_matrix([[1, 'nan'::FLOAT], [3, 4]]::FLOAT[][]))"));
      assertTrue(nan.getMessage().contains("vecs[1] contains NaN"), nan.getMessage());
      SQLException notLists =
          assertThrows(
              SQLException.class,
              () -> TestDb.scalar(c, "SELECT len(cka_matrix([1, 2]::FLOAT[]))"));
      assertTrue(notLists.getMessage().contains("FLOAT"), notLists.getMessage());
    }
  }

  private static float[][] rowsOf(float[][] layer, int[] group, int g) {
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < layer.length; i++) if (group[i] == g) rows.add(layer[i]);
    return rows.toArray(float[][]::new);
  }

  private static double[] two(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return new double[] {r.getDouble(1), r.getDouble(2)};
    }
  }
}

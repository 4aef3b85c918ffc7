package io.actdb.sql.cca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.TestDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;

/**
 * {@code cca_family_matrix}: every pair's indices equal the SVD-based reference ({@link
 * CcaReference}, from the rows) and the pairwise {@code cca}, {@code svcca}, {@code pwcca}, {@code
 * linreg_r2} on the same rows; asymmetric ones take layer i as x.
 */
class CcaFamilyMatrixTest {
  private static final int[] DIMS = {4, 6, 3};
  private static final int N = 400;

  @Test
  void everyPairEqualsTheReferenceAndThePairwiseFunctions() throws SQLException {
    Random random = new Random(16);
    float[][] latent = TestDb.gaussian(random, N, 3);
    float[][][] layers = new float[DIMS.length][N][];
    for (int l = 0; l < DIMS.length; l++) {
      float[][] map = TestDb.gaussian(random, 3, DIMS[l]);
      for (int i = 0; i < N; i++) {
        layers[l][i] = new float[DIMS[l]];
        for (int k = 0; k < DIMS[l]; k++) {
          double v = 0.5 * random.nextGaussian();
          for (int f = 0; f < 3; f++) v += latent[i][f] * map[f][k];
          layers[l][i][k] = Math.round(v * 1024) / 1024f;
        }
      }
    }
    double keep = 0.9;
    try (Connection c = TestDb.open()) {
      TestDb.exec(c, "CREATE TABLE w (v1 FLOAT[4], v2 FLOAT[6], v3 FLOAT[3])");
      try (var appender = c.unwrap(DuckDBConnection.class).createAppender("w")) {
        for (int i = 0; i < N; i++) {
          appender
              .beginRow()
              .append(layers[0][i])
              .append(layers[1][i])
              .append(layers[2][i])
              .endRow();
        }
      }
      int pairs = 0;
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT p.* FROM (SELECT unnest(cca_family_matrix([v1::FLOAT[], v2::FLOAT[],"
                      + " v3::FLOAT[]], "
                      + keep
                      + ")) AS p FROM w)")) {
        while (r.next()) {
          pairs++;
          int l = r.getInt("i") - 1;
          int m = r.getInt("j") - 1;
          float[][] x = layers[l];
          float[][] y = layers[m];
          String at = "pair " + (l + 1) + ", " + (m + 1);
          double[] rho = CcaReference.cca(x, y);
          double[] kept = CcaReference.svcca(x, y, keep);
          assertEquals(CcaSqlTest.mean(rho), r.getDouble("cca_rho_mean"), 1e-9, at);
          assertEquals(CcaSqlTest.meanSquare(rho), r.getDouble("cca_r2"), 1e-9, at);
          assertEquals(CcaSqlTest.mean(kept), r.getDouble("svcca_rho_mean"), 1e-9, at);
          assertEquals(CcaSqlTest.meanSquare(kept), r.getDouble("svcca_r2"), 1e-9, at);
          assertEquals(
              CcaReference.projectionWeighted(x, y, false), r.getDouble("pwcca"), 1e-9, at);
          assertEquals(CcaReference.linearRegression(x, y), r.getDouble("linreg_r2"), 1e-9, at);
          assertPairwise(c, r, l + 1, m + 1, keep, at);
        }
      }
      assertEquals(9, pairs);
      // A constant layer: NULL in its pairs; a bad keep: the pairwise functions' message.
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT p.* FROM (SELECT unnest(cca_family_matrix([v1::FLOAT[], [1,"
                      + " 2]::FLOAT[]])) AS p FROM w) WHERE p.j = 2")) {
        assertTrue(r.next());
        assertNull(r.getObject("cca_rho_mean"));
        assertNull(r.getObject("linreg_r2"));
      }
      SQLException bad =
          assertThrows(
              SQLException.class,
              () -> TestDb.scalar(c, "SELECT len(cca_family_matrix([v1::FLOAT[]], 1.5)) FROM w"));
      assertTrue(bad.getMessage().contains("keep is the share of variance"), bad.getMessage());
    }
  }

  /**
   * Twenty layers of 3 dims and 14 samples: few against Σd = 60, so {@code cka_matrix}'s state
   * keeps the rows (its example form) and each pair's scatter comes from them; the pairwise
   * functions, whose state for 3 + 3 dims takes the feature-space moments, agree.
   */
  @Test
  void manyLayersOfFewSamplesGiveThePairwiseFunctions() throws SQLException {
    int layers = 20;
    int n = 14;
    Random random = new Random(20);
    float[][] latent = TestDb.gaussian(random, n, 2);
    StringBuilder columns = new StringBuilder();
    StringBuilder list = new StringBuilder();
    float[][][] data = new float[layers][n][3];
    for (int l = 0; l < layers; l++) {
      float[][] map = TestDb.gaussian(random, 2, 3);
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < 3; k++) {
          double v =
              0.5 * random.nextGaussian() + latent[i][0] * map[0][k] + latent[i][1] * map[1][k];
          data[l][i][k] = Math.round(v * 1024) / 1024f;
        }
      }
      columns.append(l == 0 ? "" : ", ").append("v").append(l + 1).append(" FLOAT[3]");
      list.append(l == 0 ? "" : ", ").append("v").append(l + 1).append("::FLOAT[]");
    }
    try (Connection c = TestDb.open()) {
      TestDb.exec(c, "CREATE TABLE w (" + columns + ")");
      try (var appender = c.unwrap(DuckDBConnection.class).createAppender("w")) {
        for (int i = 0; i < n; i++) {
          var row = appender.beginRow();
          for (int l = 0; l < layers; l++) row = row.append(data[l][i]);
          row.endRow();
        }
      }
      int checked = 0;
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT p.* FROM (SELECT unnest(cca_family_matrix(["
                      + list
                      + "])) AS p FROM w) WHERE p.i IN (1, 7, 20) AND p.j IN (2, 7, 13)")) {
        while (r.next()) {
          int l = r.getInt("i");
          int m = r.getInt("j");
          String at = "pair " + l + ", " + m;
          double[] rho = CcaReference.cca(data[l - 1], data[m - 1]);
          assertEquals(CcaSqlTest.mean(rho), r.getDouble("cca_rho_mean"), 1e-9, at);
          assertPairwise(c, r, l, m, CcaFamily.DEFAULT_KEEP, at);
          checked++;
        }
      }
      assertEquals(9, checked);
    }
  }

  /**
   * Row {@code r} of the matrix equals the pairwise functions over columns v{@code l}, v{@code m}.
   */
  private static void assertPairwise(
      Connection c, ResultSet r, int l, int m, double keep, String at) throws SQLException {
    String pairwise =
        ("SELECT cca(v%1$d, v%2$d).rho_mean, svcca(v%1$d, v%2$d, %3$s).r2,"
                + " pwcca(v%1$d, v%2$d), linreg_r2(v%1$d, v%2$d) FROM w")
            .formatted(l, m, keep);
    try (Statement s = c.createStatement();
        ResultSet p = s.executeQuery(pairwise)) {
      p.next();
      assertEquals(p.getDouble(1), r.getDouble("cca_rho_mean"), 1e-9, at);
      assertEquals(p.getDouble(2), r.getDouble("svcca_r2"), 1e-9, at);
      assertEquals(p.getDouble(3), r.getDouble("pwcca"), 1e-9, at);
      assertEquals(p.getDouble(4), r.getDouble("linreg_r2"), 1e-9, at);
    }
  }
}

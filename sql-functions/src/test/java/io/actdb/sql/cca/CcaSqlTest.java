package io.actdb.sql.cca;

import static io.actdb.sql.TestDb.createTable;
import static io.actdb.sql.TestDb.exec;
import static io.actdb.sql.TestDb.gaussian;
import static io.actdb.sql.TestDb.orthogonal;
import static io.actdb.sql.TestDb.scalar;
import static io.actdb.sql.TestDb.times;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.TestDb;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** cca, svcca, pwcca and linreg_r2 through SQL, against {@link CcaReference} and identities. */
class CcaSqlTest {
  private Connection c;

  @BeforeEach
  void open() throws SQLException {
    c = TestDb.open();
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  /** One cca(...) result row: rho_mean, r2, rho, rank_x, rank_y; null for a NULL struct. */
  record Cca(double rhoMean, double r2, double[] rho, long rankX, long rankY) {}

  private Cca cca(String from) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT r IS NULL, r.rho_mean, r.r2, r.rho, r.rank_x, r.rank_y FROM"
                    + " (SELECT cca(x, y) AS r FROM "
                    + from
                    + ")")) {
      rs.next();
      if (rs.getBoolean(1)) return null;
      Object[] list = (Object[]) ((Array) rs.getObject(4)).getArray();
      double[] rho = new double[list.length];
      for (int i = 0; i < rho.length; i++) rho[i] = ((Number) list[i]).doubleValue();
      return new Cca(rs.getDouble(2), rs.getDouble(3), rho, rs.getLong(5), rs.getLong(6));
    }
  }

  private double[] row(String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      int columns = rs.getMetaData().getColumnCount();
      double[] out = new double[columns];
      for (int i = 0; i < columns; i++) out[i] = rs.getDouble(i + 1);
      return out;
    }
  }

  /** y = x·A + noise: correlated but not identical representations. */
  private static float[][] related(Random random, float[][] x, int dy, double noise) {
    float[][] y = times(x, randomMatrix(random, x[0].length, dy));
    float[][] e = gaussian(random, x.length, dy);
    for (int i = 0; i < y.length; i++) {
      for (int k = 0; k < dy; k++) y[i][k] += (float) (noise * e[i][k]);
    }
    return y;
  }

  private static double[][] randomMatrix(Random random, int rows, int cols) {
    double[][] a = new double[rows][cols];
    for (double[] r : a) for (int k = 0; k < cols; k++) r[k] = random.nextGaussian();
    return a;
  }

  static double mean(double[] v) {
    double s = 0;
    for (double d : v) s += d;
    return s / v.length;
  }

  static double meanSquare(double[] v) {
    double s = 0;
    for (double d : v) s += d * d;
    return s / v.length;
  }

  @Test
  void handWorkedOneDimensionalCase() throws SQLException {
    // Centred x = (−1, 0, 1), y = (−1, 1, 0): Σxy = 1, Σx² = Σy² = 2, so the one canonical
    // correlation is |r| = 1/2, the regression R² is r² = 1/4 either way, and PWCCA (one
    // weight) is ρ itself.
    String t = "(VALUES ([1]::FLOAT[1], [1]::FLOAT[1]), ([2], [3]), ([3], [2])) t(x, y)";
    Cca r = cca(t);
    assertArrayEquals(new double[] {0.5}, r.rho(), 1e-12);
    assertEquals(0.5, r.rhoMean(), 1e-12);
    assertEquals(0.25, r.r2(), 1e-12);
    assertEquals(1, r.rankX());
    assertEquals(1, r.rankY());
    assertEquals(0.25, scalar(c, "SELECT linreg_r2(x, y) FROM " + t), 1e-12);
    assertEquals(0.25, scalar(c, "SELECT linreg_r2(y, x) FROM " + t), 1e-12);
    assertEquals(0.5, scalar(c, "SELECT pwcca(x, y) FROM " + t), 1e-12);
    assertEquals(0.5, scalar(c, "SELECT svcca(x, y).rho_mean FROM " + t), 1e-12);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void matchesTheExampleSpaceReference(boolean asList) throws SQLException {
    Random random = new Random(3);
    float[][] x = gaussian(random, 300, 10);
    float[][] y = related(random, x, 7, 1.5);
    createTable(c, "t", x, y, null, asList);
    double[] expected = CcaReference.cca(x, y);
    Cca got = cca("t");
    assertEquals(7, got.rho().length);
    assertArrayEquals(expected, got.rho(), 1e-9);
    assertEquals(mean(expected), got.rhoMean(), 1e-9);
    assertEquals(meanSquare(expected), got.r2(), 1e-9);
    assertEquals(10, got.rankX());
    assertEquals(7, got.rankY());
    assertEquals(
        CcaReference.linearRegression(x, y), scalar(c, "SELECT linreg_r2(x, y) FROM t"), 1e-9);
    assertEquals(
        CcaReference.linearRegression(y, x), scalar(c, "SELECT linreg_r2(y, x) FROM t"), 1e-9);
    assertEquals(
        CcaReference.projectionWeighted(x, y, false), scalar(c, "SELECT pwcca(x, y) FROM t"), 1e-9);
    assertEquals(
        CcaReference.projectionWeighted(y, x, false), scalar(c, "SELECT pwcca(y, x) FROM t"), 1e-9);
  }

  @Test
  void svccaKeepsTheLeadingComponentsOfEachSide() throws SQLException {
    Random random = new Random(5);
    // Columns of very different scales, so 0.99 and 0.9 of the variance keep different counts.
    float[][] x = gaussian(random, 400, 12);
    for (float[] r : x) for (int k = 0; k < 12; k++) r[k] *= (float) Math.pow(0.6, k);
    float[][] y = related(random, x, 9, 0.3);
    createTable(c, "t", x, y, null, false);
    long[] keptX = new long[3];
    double[] keeps = {0.99, 0.9, 0.5};
    for (int run = 0; run < 3; run++) {
      double keep = keeps[run];
      CcaReference.Svd sx = CcaReference.svd(CcaReference.centred(x));
      CcaReference.Svd sy = CcaReference.svd(CcaReference.centred(y));
      double[] expected = CcaReference.svcca(x, y, keep);
      double[] got =
          row(
              "SELECT s.rho_mean, s.r2, s.kept_x, s.kept_y FROM (SELECT svcca(x, y, "
                  + keep
                  + ") AS s FROM t)");
      assertEquals(sx.kept(keep), (int) got[2], "kept_x at " + keep);
      keptX[run] = (long) got[2];
      assertEquals(sy.kept(keep), (int) got[3], "kept_y at " + keep);
      assertEquals(mean(expected), got[0], 1e-9, "rho_mean at " + keep);
      assertEquals(meanSquare(expected), got[1], 1e-9, "r2 at " + keep);
    }
    assertTrue(keptX[2] < keptX[1] && keptX[1] < keptX[0], "keep must matter here");
    assertEquals(
        scalar(c, "SELECT svcca(x, y, 0.99).rho_mean FROM t"),
        scalar(c, "SELECT svcca(x, y).rho_mean FROM t"),
        0.0,
        "the default keep is 0.99");
  }

  @Test
  void appendixCIdentities() throws SQLException {
    Random random = new Random(8);
    float[][] x = gaussian(random, 250, 6);
    float[][] y = related(random, x, 9, 2.0);
    float[][] qx = CcaReference.orthonormalBasis(x);
    float[][] pad = new float[x.length][];
    for (int i = 0; i < x.length; i++) pad[i] = new float[] {qx[i][0], qx[i][1]};
    createTable(c, "t", x, y, null, false);
    createTable(c, "q", qx, y, null, false);
    Cca got = cca("t");
    // Eq. 17: R²_CCA is the R² of fitting the orthonormal basis Q_X from Y (p = p1 = 6 here).
    assertEquals(got.r2(), scalar(c, "SELECT linreg_r2(x, y) FROM q"), 2e-6);
    // C.3: PWCCA with squared weights and ρ² is the linear-regression R² of x from y.
    assertEquals(
        CcaReference.projectionWeighted(x, y, true),
        scalar(c, "SELECT linreg_r2(x, y) FROM t"),
        1e-9);
  }

  @Test
  void invariances() throws SQLException {
    Random random = new Random(13);
    float[][] x = gaussian(random, 300, 8);
    float[][] y = related(random, x, 6, 1.0);
    createTable(c, "t", x, y, null, false);
    float[][] yInvertible = times(y, randomMatrix(random, 6, 6));
    createTable(c, "u", x, yInvertible, null, false);
    float[][] yOrthogonal = times(y, orthogonal(random, 6));
    createTable(c, "o", x, yOrthogonal, null, false);
    Cca base = cca("t");
    // CCA and the regression of x from y see only the span of y's columns.
    assertArrayEquals(base.rho(), cca("u").rho(), 1e-6);
    assertEquals(
        scalar(c, "SELECT linreg_r2(x, y) FROM t"),
        scalar(c, "SELECT linreg_r2(x, y) FROM u"),
        1e-6);
    // PWCCA weighs by x's neurons: an invertible map of y leaves it unchanged too.
    assertEquals(
        scalar(c, "SELECT pwcca(x, y) FROM t"), scalar(c, "SELECT pwcca(x, y) FROM u"), 1e-6);
    // SVCCA keeps principal components, which an orthogonal map of y rotates along.
    double[] s = row("SELECT s.rho_mean, s.r2, s.kept_y FROM (SELECT svcca(x, y) AS s FROM t)");
    double[] so = row("SELECT s.rho_mean, s.r2, s.kept_y FROM (SELECT svcca(x, y) AS s FROM o)");
    assertArrayEquals(s, so, 1e-6);
    // ...but linear regression of y from x is not invariant to a map of y: a check that could fail.
    double yFromX = scalar(c, "SELECT linreg_r2(y, x) FROM t");
    double mappedFromX = scalar(c, "SELECT linreg_r2(y, x) FROM u");
    assertTrue(Math.abs(yFromX - mappedFromX) > 1e-4, yFromX + " vs " + mappedFromX);
  }

  @Test
  void wideLayersCorrelatePerfectlyAndSayWhyThroughTheRanks() throws SQLException {
    Random random = new Random(21);
    float[][] x = gaussian(random, 10, 12);
    float[][] y = gaussian(random, 10, 15);
    createTable(c, "t", x, y, null, false);
    Cca got = cca("t");
    assertEquals(9, got.rankX(), "n − 1 centred rows span at most 9 dimensions");
    assertEquals(9, got.rankY());
    assertEquals(9, got.rho().length);
    for (double r : got.rho()) assertEquals(1.0, r, 1e-6);
    assertEquals(1.0, got.rhoMean(), 1e-6);
    assertEquals(1.0, scalar(c, "SELECT linreg_r2(x, y) FROM t"), 1e-6);
  }

  @Test
  void orderAndThreadsDoNotChangeTheResult() throws SQLException {
    Random random = new Random(34);
    int n = 6000;
    float[][] x = gaussian(random, n, 9);
    float[][] y = related(random, x, 5, 1.0);
    int[] group = new int[n];
    for (int i = 0; i < n; i++) group[i] = i % 3;
    createTable(c, "t", x, y, group, false);
    String query =
        "SELECT g, cca(x, y).rho_mean, cca(x, y).r2, svcca(x, y).rho_mean, pwcca(x, y),"
            + " linreg_r2(x, y) FROM %s GROUP BY g ORDER BY g";
    exec(c, "SET threads = 1");
    double[][] ordered = rows(String.format(query, "t"));
    exec(c, "SET threads = 4");
    double[][] shuffled = rows(String.format(query, "(SELECT * FROM t ORDER BY hash(i * 7919))"));
    for (int g = 0; g < 3; g++) assertArrayEquals(ordered[g], shuffled[g], 1e-9, "group " + g);
  }

  private double[][] rows(String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      double[][] out = new double[3][];
      int r = 0;
      while (rs.next()) {
        out[r] = new double[5];
        for (int k = 0; k < 5; k++) out[r][k] = rs.getDouble(k + 2);
        r++;
      }
      return out;
    }
  }

  @Test
  void nullAndErrorRulesAreCkas() throws SQLException {
    String oneRow = "(VALUES ([1, 2]::FLOAT[2], [3]::FLOAT[1])) t(x, y)";
    for (String f : new String[] {"cka", "pwcca", "linreg_r2"}) {
      assertNull(scalar(c, "SELECT " + f + "(x, y) FROM " + oneRow), f + " of one row");
      assertNull(
          scalar(
              c,
              "SELECT "
                  + f
                  + "(x, y) FROM (VALUES (NULL::FLOAT[2], [1]::FLOAT[1]),"
                  + " ([1, 2], NULL)) t(x, y)"),
          f + " of NULL rows");
      assertNull(
          scalar(
              c,
              "SELECT "
                  + f
                  + "(x, y) FROM (VALUES ([1, 1]::FLOAT[2], [1]::FLOAT[1]),"
                  + " ([1, 1], [2]), ([1, 1], [5])) t(x, y)"),
          f + " of a constant x");
    }
    assertNull(cca(oneRow));
    assertNull(scalar(c, "SELECT svcca(x, y).rho_mean FROM " + oneRow));
    for (String f : new String[] {"cca", "svcca", "pwcca", "linreg_r2"}) {
      SQLException nan =
          assertThrows(
              SQLException.class,
              () ->
                  scalar(
                      c,
                      "SELECT "
                          + f
                          + "(x, y) IS NULL FROM (VALUES ([1, 2]::FLOAT[2], ['nan']::FLOAT[1]),"
                          + " ([2, 1], [1])) t(x, y)"));
      assertTrue(nan.getMessage().contains(f + ":"), nan.getMessage());
      SQLException dims =
          assertThrows(
              SQLException.class,
              () ->
                  scalar(
                      c,
                      "SELECT "
                          + f
                          + "(x, y) IS NULL FROM (VALUES ([1, 2]::FLOAT[], [1]::FLOAT[]),"
                          + " ([2, 1, 3], [1])) t(x, y)"));
      assertTrue(dims.getMessage().contains("dimension"), dims.getMessage());
    }
    SQLException keep =
        assertThrows(
            SQLException.class, () -> scalar(c, "SELECT svcca(x, y, 1.5).r2 FROM " + oneRow));
    assertTrue(keep.getMessage().contains("(0, 1]"), keep.getMessage());
  }
}

package io.actdb.sql.pca;

import static io.actdb.sql.TestDb.exec;
import static io.actdb.sql.TestDb.scalar;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code pca} and {@code pca_project} through SQL, against {@link PcaReference}. */
class PcaSqlTest {
  private Connection c;

  @BeforeEach
  void open() throws SQLException {
    c = TestDb.open();
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  /**
   * n rows of d dims with well separated variances (scales 6, 4, 3, 2, 1.5, ...) in a random basis.
   */
  static float[][] anisotropic(Random random, int n, int d, double offset) {
    float[][] g = TestDb.gaussian(random, n, d);
    double[][] basis = TestDb.orthogonal(random, d);
    double[][] a = new double[d][d];
    for (int i = 0; i < d; i++) {
      double scale = 6.0 / (1 + 0.5 * i * i);
      for (int j = 0; j < d; j++) a[i][j] = scale * basis[j][i];
    }
    return TestDb.affine(TestDb.times(g, a), 1, offset);
  }

  /** One group's result, as read back from SQL. */
  record Fit(double[] mean, double[][] components, double[] variances, double total) {}

  private Fit fit(String sql) throws SQLException {
    List<Fit> fits = fits(sql);
    assertEquals(1, fits.size());
    return fits.get(0);
  }

  /** Runs {@code sql}, whose only column is a pca result, one Fit per row (null for NULL). */
  private List<Fit> fits(String sql) throws SQLException {
    List<Fit> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT p.mean, p.components, p.explained_variance, p.total_variance,"
                    + " p IS NULL FROM ("
                    + sql
                    + ") AS q(p)")) {
      while (rs.next()) {
        if (rs.getBoolean(5)) {
          out.add(null);
          continue;
        }
        Object[] rows = (Object[]) rs.getArray(2).getArray();
        double[][] components = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) components[i] = doubles((Array) rows[i]);
        out.add(
            new Fit(doubles(rs.getArray(1)), components, doubles(rs.getArray(3)), rs.getDouble(4)));
      }
    }
    return out;
  }

  private static double[] doubles(Array array) throws SQLException {
    Object[] values = (Object[]) array.getArray();
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) out[i] = ((Number) values[i]).doubleValue();
    return out;
  }

  private static void assertMatches(PcaReference ref, Fit fit, int k, double tolerance) {
    int d = ref.mean.length;
    assertEquals(d, fit.mean().length);
    assertEquals(k, fit.components().length);
    assertEquals(k, fit.variances().length);
    for (int j = 0; j < d; j++) {
      assertEquals(ref.mean[j], fit.mean()[j], 1e-6 * (1 + Math.abs(ref.mean[j])), "mean " + j);
    }
    assertEquals(ref.total, fit.total(), 1e-9 * ref.total, "total variance");
    for (int i = 0; i < k; i++) {
      assertEquals(ref.variances[i], fit.variances()[i], tolerance * ref.total, "variance " + i);
      for (int j = 0; j < d; j++) {
        assertEquals(
            ref.components[i][j], fit.components()[i][j], 1e-5, "component " + i + ", coord " + j);
      }
    }
  }

  @Test
  void matchesTheSvdOfTheCentredDataAcrossChunks() throws SQLException {
    float[][] x = anisotropic(new Random(1), 5000, 7, 0);
    TestDb.createSets(c, "t", x, new float[0][], null);
    PcaReference ref = new PcaReference(x);
    assertMatches(ref, fit("SELECT pca(x, 4) FROM t"), 4, 1e-9);
    // k = d: every component, and the variances add up to the total.
    Fit all = fit("SELECT pca(x, 7) FROM t");
    assertMatches(ref, all, 7, 1e-9);
    double sum = 0;
    for (double v : all.variances()) sum += v;
    assertEquals(all.total(), sum, 1e-9 * all.total());
  }

  @Test
  void componentsAreOrthonormalDescendingAndFollowTheSignRule() throws SQLException {
    float[][] x = anisotropic(new Random(2), 800, 9, 0);
    TestDb.createSets(c, "t", x, new float[0][], null);
    Fit fit = fit("SELECT pca(x, 9) FROM t");
    for (int i = 0; i < 9; i++) {
      for (int j = 0; j < 9; j++) {
        double dot = 0;
        for (int k = 0; k < 9; k++) dot += fit.components()[i][k] * fit.components()[j][k];
        assertEquals(i == j ? 1 : 0, dot, 1e-6, "component " + i + " · component " + j);
      }
      if (i > 0) assertTrue(fit.variances()[i - 1] >= fit.variances()[i], "descending at " + i);
      double[] v = fit.components()[i];
      int largest = 0;
      for (int k = 1; k < v.length; k++) if (Math.abs(v[k]) > Math.abs(v[largest])) largest = k;
      assertTrue(v[largest] > 0, "largest coordinate of component " + i + " is positive");
    }
  }

  @Test
  void reconstructionErrorIsTheSumOfDiscardedVariances() throws SQLException {
    float[][] x = anisotropic(new Random(3), 3000, 6, 0);
    TestDb.createSets(c, "t", x, new float[0][], null);
    PcaReference ref = new PcaReference(x);
    int k = 2;
    // Reconstruct each row from its projection (pca_project) in SQL and sum the squared residuals.
    double residual =
        scalar(
            c,
            "WITH p AS (SELECT pca(x, 2) AS p FROM t),"
                + " r AS (SELECT x::DOUBLE[] AS v, p.p AS p, pca_project(x, p.p) AS z FROM t, p)"
                + " SELECT sum(list_sum(list_transform(v, lambda value, j: (value - p.mean[j]"
                + " - list_sum(list_transform(z, lambda zi, i: zi * p.components[i][j])))^2)))"
                + " FROM r");
    double discarded = 0;
    for (int i = k; i < 6; i++) discarded += ref.variances[i];
    assertEquals(discarded, residual / (x.length - 1), 1e-5 * discarded);
  }

  @Test
  void projectionCentresThenProjects() throws SQLException {
    float[][] x = anisotropic(new Random(4), 500, 5, 1000);
    TestDb.createSets(c, "t", x, new float[0][], null);
    PcaReference ref = new PcaReference(x);
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "WITH p AS (SELECT pca(x, 3) AS p FROM t)"
                    + " SELECT i, pca_project(x, p.p), typeof(pca_project(x, p.p)) FROM t, p"
                    + " ORDER BY i")) {
      while (rs.next()) {
        int i = rs.getInt(1);
        double[] z = doubles(rs.getArray(2));
        assertEquals("FLOAT[]", rs.getString(3));
        assertEquals(3, z.length);
        for (int a = 0; a < 3; a++) {
          double expected = 0;
          for (int j = 0; j < 5; j++) expected += (x[i][j] - ref.mean[j]) * ref.components[a][j];
          // The means and components the projection uses are float32: ~1e-7 of |x| ≈ 1000.
          assertEquals(expected, z[a], 2e-3, "row " + i + ", component " + a);
        }
      }
    }
  }

  @Test
  void aLargeCommonOffsetChangesOnlyTheMean() throws SQLException {
    Random random = new Random(5);
    float[][] x = anisotropic(random, 2000, 5, 0);
    float[][] shifted = TestDb.affine(x, 1, 1000);
    TestDb.createSets(c, "t", shifted, new float[0][], null);
    PcaReference ref = new PcaReference(shifted);
    assertMatches(ref, fit("SELECT pca(x, 3) FROM t"), 3, 1e-9);
  }

  @Test
  void listsAndArraysAgreeAndNullRowsAreSkipped() throws SQLException {
    float[][] x = anisotropic(new Random(6), 300, 4, 0);
    TestDb.createTable(c, "t", x, x, null, true);
    PcaReference ref = new PcaReference(x);
    assertMatches(ref, fit("SELECT pca(x, 2) FROM t"), 2, 1e-9);
    exec(c, "INSERT INTO t VALUES (1000, 0, NULL, NULL), (1001, 0, NULL, NULL)");
    assertMatches(ref, fit("SELECT pca(x, 2) FROM t"), 2, 1e-9);
    assertMatches(ref, fit("SELECT pca(x::FLOAT[4], 2) FROM t"), 2, 1e-9);
  }

  @Test
  void tooFewRowsGiveNull() throws SQLException {
    exec(c, "CREATE TABLE t (x FLOAT[])");
    assertNull(fit("SELECT pca(x, 1) FROM t"));
    exec(c, "INSERT INTO t VALUES (NULL), (NULL)");
    assertNull(fit("SELECT pca(x, 1) FROM t"));
    exec(c, "INSERT INTO t VALUES ([1, 2])");
    assertNull(fit("SELECT pca(x, 1) FROM t"));
    exec(c, "INSERT INTO t VALUES ([3, 2])");
    Fit two = fit("SELECT pca(x, 2) FROM t");
    // By hand: mean (2, 2), one direction of variance (±2 about the mean, divisor n − 1 = 1).
    assertEquals(2, two.mean()[0]);
    assertEquals(2, two.mean()[1]);
    assertEquals(2, two.variances()[0], 1e-12);
    assertEquals(0, two.variances()[1], 1e-12);
    assertEquals(2, two.total(), 1e-12);
    assertEquals(1, two.components()[0][0], 1e-7);
    assertEquals(0, two.components()[0][1], 1e-7);
    assertEquals(
        1,
        scalar(c, "SELECT (pca_project(NULL::FLOAT[], (SELECT pca(x, 1) FROM t)) IS NULL)::INT"));
  }

  @Test
  void groupByThreadsAndRowOrderGiveEachGroupItsOwnPca() throws SQLException {
    Random random = new Random(7);
    float[][] a = anisotropic(random, 3000, 5, 0);
    float[][] b = anisotropic(random, 2500, 5, 10);
    float[][] all = new float[a.length + b.length][];
    int[] group = new int[all.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    for (int i = a.length; i < all.length; i++) group[i] = 1;
    TestDb.createSets(c, "t", all, new float[0][], group);
    exec(c, "SET threads = 4");
    for (String order : new String[] {"i", "hash(i)"}) {
      List<Fit> fits =
          fits(
              "SELECT pca(x, 3) FROM (SELECT * FROM t ORDER BY "
                  + order
                  + ") GROUP BY g ORDER BY g");
      assertMatches(new PcaReference(a), fits.get(0), 3, 1e-9);
      assertMatches(new PcaReference(b), fits.get(1), 3, 1e-9);
    }
  }

  @Test
  void statesOfParallelScansCombineToTheSamePca() throws SQLException {
    // Over two of DuckDB's row groups (122 880 rows each) so that several threads scan, and at an
    // offset, so that states start from different origins and combine must move their moments.
    exec(
        c,
        "CREATE TABLE big AS SELECT i, [u1 + 1000, u1 + u2 + 1000, u3 - u1 + 1000, 0.1 * u4 +"
            + " 1000]::FLOAT[4] AS x FROM (SELECT i, (hash(4 * i) % 4096)::FLOAT / 1024 AS u1,"
            + " (hash(4 * i + 1) % 4096)::FLOAT / 2048 AS u2, (hash(4 * i + 2) % 4096)::FLOAT /"
            + " 4096 AS u3, (hash(4 * i + 3) % 4096)::FLOAT / 1024 AS u4 FROM range(300000) t(i))");
    float[][] x = new float[300000][];
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT i, x FROM big")) {
      while (rs.next()) {
        double[] v = doubles(rs.getArray(2));
        float[] row = new float[v.length];
        for (int k = 0; k < v.length; k++) row[k] = (float) v[k];
        x[rs.getInt(1)] = row;
      }
    }
    PcaReference ref = new PcaReference(x);
    exec(c, "SET threads = 1");
    Fit one = fit("SELECT pca(x, 3) FROM big");
    exec(c, "SET threads = 4");
    Fit four = fit("SELECT pca(x, 3) FROM big");
    assertMatches(ref, one, 3, 1e-9);
    assertMatches(ref, four, 3, 1e-9);
    for (int i = 0; i < 3; i++) {
      assertEquals(one.variances()[i], four.variances()[i], 1e-12 * one.total(), "variance " + i);
    }
  }

  @Test
  void badInputIsAClearError() throws SQLException {
    exec(c, "CREATE TABLE t (x FLOAT[], k BIGINT)");
    exec(c, "INSERT INTO t VALUES ([1, 2, 3], 2), ([2, 1, 0], 2), ([0, 0, 1], 2)");
    assertError("SELECT pca(x, 4) FROM t", "exceeds the dimension of x (3)");
    assertError("SELECT pca(x, 0) FROM t", "k must be at least 1");
    assertError("SELECT pca(x, NULL) FROM t", "k is NULL");
    assertError(
        "SELECT pca(x, (i % 2) + 1) FROM (SELECT x, row_number() OVER () AS i FROM t)",
        "k must be the same for all rows of a group");
    assertError(
        "SELECT pca(x, 1) FROM (SELECT x FROM t UNION ALL SELECT [1, 2])", "dimension mismatch");
    assertError(
        "SELECT pca(x, 1) FROM (SELECT x FROM t UNION ALL SELECT ['nan'::FLOAT, 0, 0])", "NaN");
    assertError(
        "SELECT pca(x, 1) FROM (SELECT x FROM t UNION ALL SELECT ['inf'::FLOAT, 0, 0])", "+Inf");
    String p = "(SELECT pca(x, 2) FROM t)";
    assertError("SELECT pca_project([1, 2]::FLOAT[], " + p + ")", "x has 2 elements");
    assertError("SELECT pca_project(['nan'::FLOAT, 1, 2], " + p + ")", "NaN, +Inf, -Inf or a NULL");
    // The connection is still usable.
    assertEquals(2, scalar(c, "SELECT len(pca_project([1, 2, 3]::FLOAT[3], " + p + "))"));
  }

  private void assertError(String sql, String problem) {
    SQLException e = assertThrows(SQLException.class, () -> scalar(c, sql), sql);
    assertTrue(e.getMessage().contains("pca"), "message names the function: " + e.getMessage());
    assertTrue(e.getMessage().contains(problem), "message names the problem: " + e.getMessage());
  }
}

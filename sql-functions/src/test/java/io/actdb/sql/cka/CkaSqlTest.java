package io.actdb.sql.cka;

import static io.actdb.sql.TestDb.affine;
import static io.actdb.sql.TestDb.createTable;
import static io.actdb.sql.TestDb.exec;
import static io.actdb.sql.TestDb.gaussian;
import static io.actdb.sql.TestDb.orthogonal;
import static io.actdb.sql.TestDb.scalar;
import static io.actdb.sql.TestDb.times;
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
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** cka, cka_debiased and cka_rbf through SQL, against independent oracles and invariances. */
class CkaSqlTest {
  private static final String ALL_THREE =
      "SELECT cka(x, y), cka_debiased(x, y), cka_rbf(x, y, 0.8) FROM ";

  private Connection c;

  @BeforeEach
  void open() throws SQLException {
    c = TestDb.open();
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  private double[] allThree(String table) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(ALL_THREE + table)) {
      rs.next();
      return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3)};
    }
  }

  private static void assertRelative(
      double expected, double actual, double tolerance, String what) {
    assertTrue(
        Math.abs(expected - actual) <= tolerance * Math.max(1e-12, Math.abs(expected)),
        what + ": expected " + expected + " but got " + actual);
  }

  @Test
  void handWorkedOneDimensionalCases() throws SQLException {
    // Centred x = (−1, 0, 1), y = (−1, 1, 0): Σxy = 1, Σx² = Σy² = 2, so CKA = 1² / (2·2).
    assertEquals(
        0.25,
        scalar(
            c,
            "SELECT cka(x, y) FROM (VALUES ([1]::FLOAT[1], [1]::FLOAT[1]),"
                + " ([2], [3]), ([3], [2])) t(x, y)"),
        1e-12);
    // y = (1, −2, 1) is orthogonal to x = (−1, 0, 1) after centring: CKA = 0.
    assertEquals(
        0.0,
        scalar(
            c,
            "SELECT cka(x, y) FROM (VALUES ([-1]::FLOAT[1], [1]::FLOAT[1]),"
                + " ([0], [-2]), ([1], [1])) t(x, y)"),
        1e-12);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void matchesGramFormThesisProcedureAndRbfReference(boolean asList) throws SQLException {
    Random random = new Random(7);
    float[][] x = gaussian(random, 150, 12);
    float[][] noise = gaussian(random, 150, 9);
    float[][] y = times(x, randomMatrix(random, 12, 9));
    for (int i = 0; i < y.length; i++) {
      for (int k = 0; k < 9; k++) y[i][k] += 2 * noise[i][k];
    }
    createTable(c, "t", x, y, null, asList);
    double[] got = allThree("t");
    assertRelative(CkaReference.cka(x, y), got[0], 1e-6, "cka vs Gram form");
    assertRelative(CkaReference.ckaDebiased(x, y), got[1], 1e-6, "cka_debiased vs thesis steps");
    assertRelative(CkaReference.ckaRbf(x, y, 0.8), got[2], 1e-6, "cka_rbf vs gram_rbf");
  }

  @ParameterizedTest
  @ValueSource(ints = {2047, 2048, 2049})
  void chunkEdges(int n) throws SQLException {
    Random random = new Random(n);
    float[][] x = gaussian(random, n, 5);
    float[][] y = affine(x, 1, 0);
    float[][] noise = gaussian(random, n, 5);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 5; k++) y[i][k] += noise[i][k];
    }
    createTable(c, "t", x, y, null, false);
    assertRelative(CkaReference.cka(x, y), scalar(c, "SELECT cka(x, y) FROM t"), 1e-6, "cka");
    assertRelative(
        CkaReference.ckaDebiased(x, y),
        scalar(c, "SELECT cka_debiased(x, y) FROM t"),
        1e-6,
        "cka_debiased");
  }

  @Test
  void orthogonalMapGivesOneAndIsotropicScalingChangesNothing() throws SQLException {
    Random random = new Random(11);
    float[][] x = gaussian(random, 400, 16);
    float[][] xq = times(x, orthogonal(random, 16));
    createTable(c, "rot", x, xq, null, false);
    double[] rotated = allThree("rot");
    for (int f = 0; f < 3; f++) assertEquals(1.0, rotated[f], 1e-5, "function " + f);

    float[][] z = gaussian(random, 400, 6);
    float[][] y = times(x, randomMatrix(random, 16, 6));
    for (int i = 0; i < 400; i++) for (int k = 0; k < 6; k++) y[i][k] += z[i][k];
    createTable(c, "base", x, y, null, false);
    createTable(c, "scaled", affine(x, 3.5, 0), affine(y, 0.25, 0), null, false);
    double[] base = allThree("base");
    double[] scaled = allThree("scaled");
    for (int f = 0; f < 3; f++) assertRelative(base[f], scaled[f], 1e-6, "function " + f);
  }

  @Test
  void generalInvertibleLinearMapChangesTheValue() throws SQLException {
    Random random = new Random(5);
    float[][] x = gaussian(random, 300, 8);
    double[][] a = new double[8][8];
    for (int k = 0; k < 8; k++) a[k][k] = Math.pow(4, k); // invertible, far from isotropic
    createTable(c, "t", x, times(x, a), null, false);
    double cka = scalar(c, "SELECT cka(x, y) FROM t");
    assertTrue(cka < 0.9, "CKA(X, XA) for a non-orthogonal A should fall below 1, got " + cka);
  }

  @Test
  void unchangedByShiftAndScaleOfEveryCoordinate() throws SQLException {
    Random random = new Random(3);
    float[][] x = gaussian(random, 500, 24);
    float[][] y = times(x, randomMatrix(random, 24, 10));
    float[][] e = gaussian(random, 500, 10);
    for (int i = 0; i < 500; i++) for (int k = 0; k < 10; k++) y[i][k] += 3 * e[i][k];
    createTable(c, "base", x, y, null, false);
    double[] base = allThree("base");
    double[][] variants = {{1, 1e3}, {1e3, 0}, {1e-3, 0}};
    for (double[] v : variants) {
      createTable(c, "moved", affine(x, v[0], v[1]), affine(y, v[0], v[1]), null, false);
      double[] moved = allThree("moved");
      for (int f = 0; f < 3; f++) {
        assertRelative(
            base[f], moved[f], 1e-6, "function " + f + " under scale " + v[0] + ", shift " + v[1]);
      }
    }
  }

  @Test
  void sameResultForShuffledRowsAndAnyThreadCount() throws SQLException {
    // Big enough (several row groups) for DuckDB to scan in parallel and combine states;
    // Gaussian 24-d and 16-d vectors with y correlated to x, built by hash (no random state).
    exec(c, "CREATE MACRO u(k) AS ((hash(k) >> 11)::DOUBLE + 0.5) / 9007199254740992");
    exec(c, "CREATE MACRO gauss(k) AS sqrt(-2 * ln(u(2 * k))) * cos(2 * pi() * u(2 * k + 1))");
    exec(
        c,
        "CREATE TABLE big AS SELECT i, [gauss(i * 100 + k) FOR k IN range(24)]::FLOAT[24] AS x,"
            + " [gauss(i * 100 + k) + 2 * gauss(1e10 + i * 100 + k) FOR k IN range(16)]::FLOAT[16]"
            + " AS y FROM range(300000) r(i)");
    exec(c, "CREATE TABLE shuffled AS SELECT * FROM big ORDER BY hash(i, 99)");
    exec(c, "SET threads = 1");
    double cka1 = scalar(c, "SELECT cka(x, y) FROM big");
    double deb1 = scalar(c, "SELECT cka_debiased(x, y) FROM big");
    for (String table : new String[] {"big", "shuffled"}) {
      for (int threads : new int[] {1, 2, 4}) {
        exec(c, "SET threads = " + threads);
        assertRelative(
            cka1, scalar(c, "SELECT cka(x, y) FROM " + table), 1e-9, table + " threads " + threads);
        assertRelative(
            deb1,
            scalar(c, "SELECT cka_debiased(x, y) FROM " + table),
            1e-9,
            "debiased " + table + " threads " + threads);
      }
    }
  }

  @Test
  void smallTableGivesTheSameResultInAnyRowOrder() throws SQLException {
    Random random = new Random(37);
    float[][] x = gaussian(random, 2000, 40);
    float[][] y = times(x, randomMatrix(random, 40, 30));
    float[][] e = gaussian(random, 2000, 30);
    for (int i = 0; i < 2000; i++) for (int k = 0; k < 30; k++) y[i][k] += 4 * e[i][k];
    createTable(c, "t", x, y, null, false);
    exec(c, "CREATE TABLE s1 AS SELECT * FROM t ORDER BY hash(i, 1)");
    exec(c, "CREATE TABLE s2 AS SELECT * FROM t ORDER BY i DESC");
    double[] base = allThree("t");
    for (String table : new String[] {"s1", "s2"}) {
      double[] shuffled = allThree(table);
      for (int f = 0; f < 3; f++)
        assertRelative(base[f], shuffled[f], 1e-9, table + " function " + f);
    }
  }

  @Test
  void manyGroupsEachMatchTheirOracle() throws SQLException {
    Random random = new Random(13);
    int groups = 40;
    int per = 30;
    float[][] x = gaussian(random, groups * per, 7);
    float[][] y = gaussian(random, groups * per, 4);
    for (int i = 0; i < x.length; i++)
      for (int k = 0; k < 4; k++) y[i][k] += x[i][k] * (i % groups) / 10f;
    int[] group = new int[x.length];
    for (int i = 0; i < x.length; i++) group[i] = i % groups;
    createTable(c, "t", x, y, group, true);
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT g, cka(x, y), cka_debiased(x, y), cka_rbf(x, y, 1.0) FROM t GROUP BY g"
                    + " ORDER BY g")) {
      int seen = 0;
      while (rs.next()) {
        int g = rs.getInt(1);
        float[][] gx = new float[per][];
        float[][] gy = new float[per][];
        for (int r = 0; r < per; r++) {
          gx[r] = x[r * groups + g];
          gy[r] = y[r * groups + g];
        }
        assertRelative(CkaReference.cka(gx, gy), rs.getDouble(2), 1e-6, "group " + g);
        assertRelative(
            CkaReference.ckaDebiased(gx, gy), rs.getDouble(3), 1e-5, "debiased group " + g);
        assertRelative(CkaReference.ckaRbf(gx, gy, 1.0), rs.getDouble(4), 1e-6, "rbf group " + g);
        seen++;
      }
      assertEquals(groups, seen);
    }
  }

  @Test
  void orderedAggregateSyntaxGivesTheSameValue() throws SQLException {
    Random random = new Random(17);
    createTable(c, "t", gaussian(random, 100, 5), gaussian(random, 100, 6), null, false);
    double plain = scalar(c, "SELECT cka(x, y) FROM t");
    double ordered = scalar(c, "SELECT cka(x, y ORDER BY i DESC) FROM t");
    assertRelative(plain, ordered, 1e-9, "ordered aggregate");
  }

  @Test
  void nullRowsAreSkippedAndTooFewRowsGiveNull() throws SQLException {
    Random random = new Random(19);
    createTable(c, "t", gaussian(random, 60, 5), gaussian(random, 60, 3), null, false);
    exec(
        c,
        "CREATE TABLE holes AS SELECT i, g,"
            + " CASE WHEN i % 7 = 0 THEN NULL ELSE x END AS x,"
            + " CASE WHEN i % 11 = 0 THEN NULL ELSE y END AS y FROM t");
    double[] withHoles = allThree("holes");
    double[] filtered = allThree("t WHERE i % 7 <> 0 AND i % 11 <> 0");
    for (int f = 0; f < 3; f++) assertRelative(filtered[f], withHoles[f], 1e-9, "function " + f);

    assertNull(scalar(c, "SELECT cka(x, y) FROM t WHERE i < 1"));
    assertNotNull(scalar(c, "SELECT cka(x, y) FROM t WHERE i < 2"));
    assertNull(scalar(c, "SELECT cka_debiased(x, y) FROM t WHERE i < 3"));
    assertNotNull(scalar(c, "SELECT cka_debiased(x, y) FROM t WHERE i < 5"));
    assertNull(scalar(c, "SELECT cka_rbf(x, y, 0.5) FROM t WHERE i < 1"));
    assertNull(scalar(c, "SELECT cka(x, y) FROM t WHERE i < 0"));
    assertNull(scalar(c, "SELECT cka(NULL::FLOAT[], y) FROM t"));
    assertNull(scalar(c, "SELECT cka_debiased(x, NULL::FLOAT[3]) FROM t"));
  }

  @Test
  void zeroVarianceGivesNullNeverNaN() throws SQLException {
    Random random = new Random(23);
    float[][] x = gaussian(random, 50, 4);
    float[][] constant = new float[50][];
    for (int i = 0; i < 50; i++) constant[i] = new float[] {1000.1f, -3.7f};
    createTable(c, "t", constant, x, null, false);
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(ALL_THREE + "t")) {
      rs.next();
      for (int f = 0; f < 3; f++) {
        rs.getDouble(f + 1);
        assertTrue(rs.wasNull(), "function " + f + " should be NULL on a constant x");
      }
    }
  }

  @Test
  void badInputIsASqlErrorNamingFunctionAndProblem() throws SQLException {
    Random random = new Random(29);
    createTable(c, "t", gaussian(random, 30, 3), gaussian(random, 30, 2), null, true);
    assertError(
        "SELECT cka(x, CASE WHEN i = 5 THEN [1, 2, 3]::FLOAT[] ELSE y END) FROM t",
        "cka",
        "dimension mismatch");
    assertError(
        "SELECT cka_debiased(CASE WHEN i = 9 THEN [1, 'nan'::FLOAT, 3]::FLOAT[] ELSE x END, y) FROM"
            + " t",
        "cka_debiased",
        "NaN");
    assertError(
        "SELECT cka_rbf(x, CASE WHEN i = 9 THEN ['inf'::FLOAT, 3]::FLOAT[] ELSE y END, 0.5) FROM t",
        "cka_rbf",
        "+Inf");
    assertError(
        "SELECT cka(x, CASE WHEN i = 9 THEN ['-inf'::FLOAT, 3]::FLOAT[] ELSE y END) FROM t",
        "cka",
        "-Inf");
    assertError("SELECT cka_rbf(x, y, -1) FROM t", "cka_rbf", "sigma_frac");
    assertError("SELECT cka(x, [1, 2]::VARCHAR[]) FROM t", "cka", "got VARCHAR elements");
    assertError(
        "SELECT cka(i, y) FROM t", "cka", "x must be a FLOAT[d] or FLOAT[] vector, got BIGINT");
    assertError("SELECT cka(x, [1, NULL]::FLOAT[]) FROM t", "cka", "NULL element");
    assertError(
        "SELECT cka_rbf([i, 1]::FLOAT[2], [i % 7]::FLOAT[1], 0.5) FROM range(50001) r(i)",
        "cka_rbf", "more than 50000 rows");
    // The connection still works after every error.
    assertNotNull(scalar(c, "SELECT cka(x, y) FROM t"));
  }

  @Test
  void doubleVectorsAreAccepted() throws SQLException {
    Random random = new Random(31);
    createTable(c, "t", gaussian(random, 40, 3), gaussian(random, 40, 2), null, false);
    double asFloat = scalar(c, "SELECT cka(x, y) FROM t");
    double asDouble = scalar(c, "SELECT cka(x::DOUBLE[3], y::DOUBLE[]) FROM t");
    assertRelative(asFloat, asDouble, 1e-12, "DOUBLE vectors");
  }

  private void assertError(String sql, String function, String problem) {
    SQLException e = assertThrows(SQLException.class, () -> scalar(c, sql), sql);
    assertTrue(
        e.getMessage().contains(function + ":"), "message names the function: " + e.getMessage());
    assertTrue(e.getMessage().contains(problem), "message names the problem: " + e.getMessage());
  }

  private static double[][] randomMatrix(Random random, int rows, int cols) {
    double[][] a = new double[rows][cols];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) a[i][j] = random.nextGaussian();
    return a;
  }
}

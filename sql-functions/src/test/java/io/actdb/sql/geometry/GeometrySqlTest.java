package io.actdb.sql.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.TestDb;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ipr, prdc, geomca and geomca_redefined through SQL, against the brute-force {@link
 * GeometryReference} and against configurations with known answers.
 */
class GeometrySqlTest {

  private static float[][] shifted(float[][] x, float by) {
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i].clone();
      for (int c = 0; c < out[i].length; c++) out[i][c] += by;
    }
    return out;
  }

  /** Points on the first axis of a {@code dim}-d space at integer positions (exact distances). */
  private static float[][] onAxis(int dim, float... positions) {
    float[][] out = new float[positions.length][dim];
    for (int i = 0; i < positions.length; i++) out[i][0] = positions[i];
    return out;
  }

  @ParameterizedTest(name = "R {0}, E {1}, dim {2}, k {3}")
  @CsvSource({
    "40, 30, 3, 3",
    "300, 250, 64, 3",
    "300, 250, 64, 1",
    "260, 410, 300, 5",
    "200, 150, 1000, 2",
  })
  void iprAndPrdcMatchTheBruteForceReference(int nR, int nE, int dim, int k) throws SQLException {
    Random random = new Random(nR * 1000L + dim + k);
    float[][] r = TestDb.gaussian(random, nR, dim);
    float[][] e = shifted(TestDb.gaussian(random, nE, dim), 0.1f);
    try (Connection c = GeometrySql.withSets(r, e)) {
      assertEquals(GeometryReference.ipr(r, e, k), GeometrySql.ipr(c, "pts", k, ""));
      GeometryReference.Prdc want = GeometryReference.prdc(r, e, k);
      GeometryReference.Prdc got = GeometrySql.prdc(c, "pts", k, "");
      assertEquals(want.precision(), got.precision());
      assertEquals(want.recall(), got.recall());
      assertEquals(want.coverage(), got.coverage());
      assertEquals(want.density(), got.density(), 1e-12);
    }
  }

  @Test
  void defaultsAreThreeForIprAndFiveForPrdc() throws SQLException {
    Random random = new Random(5);
    float[][] r = TestDb.gaussian(random, 120, 16);
    float[][] e = TestDb.gaussian(random, 90, 16);
    try (Connection c = GeometrySql.withSets(r, e)) {
      assertEquals(GeometryReference.ipr(r, e, 3), GeometrySql.ipr(c, "pts", 0, ""));
      assertEquals(
          GeometryReference.prdc(r, e, 5).precision(),
          GeometrySql.prdc(c, "pts", 0, "").precision());
      assertTrue(
          !GeometryReference.ipr(r, e, 3).equals(GeometryReference.ipr(r, e, 5)), "k matters here");
    }
  }

  @Test
  void pointsExactlyOnARadiusAreInsideForIprAndOutsideForPrdc() throws SQLException {
    // R = {0, 1}, k = 1: both radii are 1. E = {2, 12, 13}: e = 2 is at distance exactly 1 from r =
    // 1. E's radii (k = 1): 10, 1, 1 → r = 1 and r = 0 are not within any E ball... except that
    // e = 2's ball (radius 10) holds both R points.
    float[][] r = onAxis(300, 0, 1);
    float[][] e = onAxis(300, 2, 12, 13);
    try (Connection c = GeometrySql.withSets(r, e)) {
      GeometryReference.Ipr ipr = GeometrySql.ipr(c, "pts", 1, "");
      assertEquals(1.0 / 3, ipr.precision()); // e = 2 inside (tie), 12 and 13 outside
      assertEquals(1.0, ipr.recall());
      GeometryReference.Prdc prdc = GeometrySql.prdc(c, "pts", 1, "");
      assertEquals(0.0, prdc.precision()); // strict: the tie is outside
      assertEquals(1.0, prdc.recall()); // 1 < 100 and 4 < 100
      assertEquals(0.0, prdc.coverage());
      assertEquals(GeometryReference.prdc(r, e, 1), prdc);
    }
  }

  @Test
  void duplicatesCountAtDistanceZero() throws SQLException {
    // R = {0, 0, 5}, k = 1: the two zeros have radius 0, 5 has radius 25. E = {0, 0.5, 9}.
    float[][] r = onAxis(8, 0, 0, 5);
    float[][] e = onAxis(8, 0, 0.5f, 9);
    try (Connection c = GeometrySql.withSets(r, e)) {
      GeometryReference.Ipr ipr = GeometrySql.ipr(c, "pts", 1, "");
      assertEquals(1.0, ipr.precision()); // 0 in a zero ball; 0.5 and 9 in 5's ball (d² 20.25, 16)
      assertEquals(GeometryReference.ipr(r, e, 1), ipr);
      assertEquals(GeometryReference.prdc(r, e, 1), GeometrySql.prdc(c, "pts", 1, ""));
    }
  }

  @Test
  void identicalSetsGiveOneAndFarApartSetsZero() throws SQLException {
    Random random = new Random(9);
    float[][] r = TestDb.gaussian(random, 200, 32);
    try (Connection c = GeometrySql.withSets(r, shifted(r, 0))) {
      assertEquals(new GeometryReference.Ipr(1.0, 1.0), GeometrySql.ipr(c, "pts", 3, ""));
      GeometryReference.Prdc prdc = GeometrySql.prdc(c, "pts", 5, "");
      assertEquals(1.0, prdc.precision());
      assertEquals(1.0, prdc.recall());
      assertEquals(1.0, prdc.coverage());
      GeometryReference.GeomCa g = GeometrySql.geomca(c, "geomca", "pts", "", "");
      assertEquals(1.0, g.networkConsistency());
    }
    float[][] far = shifted(r, 100);
    try (Connection c = GeometrySql.withSets(r, far)) {
      assertEquals(new GeometryReference.Ipr(0.0, 0.0), GeometrySql.ipr(c, "pts", 3, ""));
      GeometryReference.GeomCa g = GeometrySql.geomca(c, "geomca", "pts", "", "");
      assertEquals(0.0, g.precision());
      assertEquals(0.0, g.recall());
      assertEquals(0.0, g.networkQuality()); // no R–E edge anywhere
    }
  }

  @Test
  void tooFewPointsGiveNullForWhatDependsOnThem() throws SQLException {
    Random random = new Random(3);
    float[][] r = TestDb.gaussian(random, 3, 4); // |R| = k = 3: no R radii
    float[][] e = TestDb.gaussian(random, 10, 4);
    try (Connection c = GeometrySql.withSets(r, e)) {
      GeometryReference.Ipr ipr = GeometrySql.ipr(c, "pts", 3, "");
      assertNull(ipr.precision());
      assertNotNull(ipr.recall());
      assertEquals(GeometryReference.ipr(r, e, 3), ipr);
      GeometryReference.Prdc prdc = GeometrySql.prdc(c, "pts", 3, "");
      assertNull(prdc.precision());
      assertNull(prdc.density());
      assertNull(prdc.coverage());
      assertNotNull(prdc.recall());
      // only E rows: no R at all
      GeometryReference.Ipr onlyE = GeometrySql.ipr(c, "pts", 3, "WHERE NOT ref");
      assertNull(onlyE.precision());
      assertNull(onlyE.recall());
      assertNull(GeometrySql.geomca(c, "geomca", "pts", "", "WHERE NOT ref"), "no R: no ε");
      assertEquals(0L, TestDb.scalar(c, "SELECT ipr(x, ref).n_reference FROM pts WHERE NOT ref"));
      assertEquals(10L, TestDb.scalar(c, "SELECT ipr(x, ref).n_evaluation FROM pts WHERE NOT ref"));
    }
  }

  @ParameterizedTest(name = "R {0}, E {1}, dim {2}")
  @CsvSource({"30, 20, 2", "300, 200, 48", "250, 300, 700"})
  void geomcaMatchesTheBruteForceReference(int nR, int nE, int dim) throws SQLException {
    Random random = new Random(nR + 7L * dim);
    float[][] r = TestDb.gaussian(random, nR, dim);
    float[][] e = shifted(TestDb.gaussian(random, nE, dim), 0.2f);
    try (Connection c = GeometrySql.withSets(r, e)) {
      assertEquals(
          GeometryReference.geomca(r, e, Double.NaN, 0, 0, 0, false),
          GeometrySql.geomca(c, "geomca", "pts", "", ""));
      double eps = GeometryReference.defaultEpsilon(r) * 1.1;
      assertEquals(
          GeometryReference.geomca(r, e, eps, 0, 0, 0, false),
          GeometrySql.geomca(c, "geomca", "pts", ", " + eps, ""));
      assertEquals(
          GeometryReference.geomca(r, e, eps, 0.3, 0.2, 0, false),
          GeometrySql.geomca(c, "geomca", "pts", ", " + eps + ", 0.3, 0.2", ""));
      assertEquals(
          GeometryReference.geomca(r, e, Double.NaN, 0.1, 0.1, 0.4, false),
          GeometrySql.geomca(c, "geomca", "pts", ", NULL, 0.1, 0.1, 0.4", ""));
      double[][] variants = {{0, 0, 0}, {0.5, 0.1, 0}, {0.2, 0.1, 0.5}};
      for (double[] v : variants) {
        double etaC = v[0];
        double etaQ = v[1];
        double gamma = v[2];
        String args = ", NULL, " + etaC + ", " + etaQ + ", " + gamma;
        assertEquals(
            GeometryReference.geomca(r, e, Double.NaN, etaC, etaQ, gamma, true),
            GeometrySql.geomca(c, "geomca_redefined", "pts", args, ""),
            "geomca_redefined" + args);
      }
    }
  }

  @Test
  void componentsAreListedLargestFirst() throws SQLException {
    // Three clusters far apart: 5 R + 5 E, 2 R + 1 E, 1 E alone; ε = 1.5 joins points 1 apart.
    float[][] r = onAxis(3, 0, 1, 2, 3, 4, 100, 101);
    float[][] e = onAxis(3, 0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 100.5f, 500);
    try (Connection c = GeometrySql.withSets(r, e)) {
      GeometryReference.GeomCa g = GeometrySql.geomca(c, "geomca", "pts", ", 1.5", "");
      assertEquals(3, g.components().size());
      assertEquals(
          new GeometryReference.Component(5, 5, 1.0, g.components().get(0).quality()),
          g.components().get(0));
      assertEquals(2, g.components().get(1).nReference());
      assertEquals(1, g.components().get(1).nEvaluation());
      assertEquals(new GeometryReference.Component(0, 1, 0.0, 0.0), g.components().get(2));
      assertEquals(6.0 / 7, g.precision()); // the lone E point's component has c = 0
      assertEquals(1.0, g.recall());
      assertEquals(GeometryReference.geomca(r, e, 1.5, 0, 0, 0, false), g);
    }
  }

  @Test
  void scaleAndOffsetDoNotChangeAnyResultAt2048d() throws SQLException {
    Random random = new Random(2048);
    float[][] r = TestDb.gaussian(random, 150, 2048);
    float[][] e = shifted(TestDb.gaussian(random, 120, 2048), 0.05f);
    List<String> base = allResults(r, e);
    assertEquals(
        List.of(
            GeometryReference.ipr(r, e, 3).toString(),
            GeometryReference.prdc(r, e, 5).toString(),
            GeometryReference.geomca(r, e, Double.NaN, 0, 0, 0, false).components().toString()),
        base.subList(0, 3),
        "the 2048-d sets against the reference");
    // Gaussian values are multiples of 1/1024 below 8: x·10 and x + 1000 stay exact in float32;
    // x·1e-3 does not, but no membership here is that close to a tie.
    assertEquals(base, allResults(TestDb.affine(r, 10, 0), TestDb.affine(e, 10, 0)), "×10");
    assertEquals(base, allResults(TestDb.affine(r, 1e-3, 0), TestDb.affine(e, 1e-3, 0)), "×1e-3");
    assertEquals(base, allResults(TestDb.affine(r, 1, 1000), TestDb.affine(e, 1, 1000)), "+1000");
  }

  /** ipr, prdc, geomca components and precision/recall (not ε, which scales). */
  private static List<String> allResults(float[][] r, float[][] e) throws SQLException {
    try (Connection c = GeometrySql.withSets(r, e)) {
      GeometryReference.GeomCa g = GeometrySql.geomca(c, "geomca", "pts", "", "");
      return List.of(
          GeometrySql.ipr(c, "pts", 3, "").toString(),
          GeometrySql.prdc(c, "pts", 5, "").toString(),
          g.components().toString(),
          g.precision() + " " + g.recall() + " " + g.networkQuality());
    }
  }

  @Test
  void rowOrderAndThreadsDoNotChangeTheResult() throws SQLException {
    Random random = new Random(77);
    float[][] r = TestDb.gaussian(random, 700, 24);
    float[][] e = shifted(TestDb.gaussian(random, 650, 24), 0.1f);
    String query =
        "SELECT ipr(x, ref)::VARCHAR || prdc(x, ref)::VARCHAR || geomca(x, ref)::VARCHAR FROM ";
    try (Connection c = GeometrySql.withSets(r, e)) {
      String first = text(c, query + "pts");
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < r.length + e.length; i++) order.add(i);
      for (int shuffle = 0; shuffle < 2; shuffle++) {
        Collections.shuffle(order, random);
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < order.size(); i++)
          values.append(i == 0 ? "" : ",").append(order.get(i));
        TestDb.exec(c, "CREATE OR REPLACE TABLE ord (i BIGINT, pos BIGINT)");
        TestDb.exec(
            c,
            "INSERT INTO ord SELECT unnest([" + values + "]), unnest(range(" + order.size() + "))");
        TestDb.exec(
            c,
            "CREATE OR REPLACE TABLE shuffled AS SELECT pts.* FROM pts JOIN ord USING (i) ORDER BY"
                + " pos");
        for (int threads : new int[] {1, 4}) {
          TestDb.exec(c, "SET threads = " + threads);
          assertEquals(
              first, text(c, query + "shuffled"), "shuffle " + shuffle + ", threads " + threads);
        }
      }
    }
  }

  private static String text(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void groupsAreComputedSeparatelyAndNullRowsSkipped() throws SQLException {
    Random random = new Random(12);
    float[][] r = TestDb.gaussian(random, 90, 10);
    float[][] e = TestDb.gaussian(random, 80, 10);
    int[] group = new int[170];
    for (int i = 0; i < group.length; i++) group[i] = i % 3;
    try (Connection c = TestDb.open()) {
      TestDb.createSets(c, "pts", r, e, group);
      TestDb.exec(
          c,
          "INSERT INTO pts VALUES (1000, 0, true, NULL), (1001, 1, NULL, [1,2,3,4,5,6,7,8,9,10])");
      for (int g = 0; g < 3; g++) {
        List<float[]> rg = new ArrayList<>();
        List<float[]> eg = new ArrayList<>();
        for (int i = 0; i < 170; i++) {
          if (group[i] == g) (i < 90 ? rg : eg).add(i < 90 ? r[i] : e[i - 90]);
        }
        float[][] rs = rg.toArray(float[][]::new);
        float[][] es = eg.toArray(float[][]::new);
        assertEquals(
            GeometryReference.ipr(rs, es, 3), GeometrySql.ipr(c, "pts", 3, "WHERE g = " + g));
        try (var st = c.createStatement();
            var rsql =
                st.executeQuery(
                    "SELECT g, ipr(x, ref).precision, geomca(x, ref).recall FROM pts GROUP BY g"
                        + " HAVING g = "
                        + g)) {
          rsql.next();
          assertEquals(GeometryReference.ipr(rs, es, 3).precision(), rsql.getDouble(2));
          assertEquals(
              GeometryReference.geomca(rs, es, Double.NaN, 0, 0, 0, false).recall(),
              rsql.getDouble(3));
        }
      }
    }
  }

  @Test
  void badInputIsAnErrorNamingTheFunction() throws SQLException {
    try (Connection c = TestDb.open()) {
      TestDb.exec(c, "CREATE TABLE t (ref BOOLEAN, x FLOAT[])");
      TestDb.exec(c, "INSERT INTO t VALUES (true, [1, 2]), (false, [1, 2, 3])");
      for (String f : List.of("ipr", "prdc", "geomca", "geomca_redefined")) {
        SQLException e =
            assertThrows(
                SQLException.class, () -> TestDb.exec(c, "SELECT " + f + "(x, ref) FROM t"));
        assertTrue(e.getMessage().contains(f + ": dimension mismatch"), e.getMessage());
      }
      TestDb.exec(c, "CREATE TABLE n (ref BOOLEAN, x FLOAT[2])");
      TestDb.exec(c, "INSERT INTO n VALUES (true, [1, 'nan'::FLOAT]), (false, [1, 'inf'::FLOAT])");
      SQLException nan =
          assertThrows(SQLException.class, () -> TestDb.exec(c, "SELECT ipr(x, ref) FROM n"));
      assertTrue(nan.getMessage().contains("ipr: x contains NaN"), nan.getMessage());
      SQLException inf =
          assertThrows(
              SQLException.class,
              () -> TestDb.exec(c, "SELECT geomca(x, ref) FROM n WHERE NOT ref"));
      assertTrue(inf.getMessage().contains("geomca: x contains +Inf"), inf.getMessage());
      TestDb.exec(c, "CREATE TABLE ok (ref BOOLEAN, x FLOAT[2], k BIGINT)");
      TestDb.exec(c, "INSERT INTO ok VALUES (true, [1, 2], 3), (false, [1, 3], 4)");
      SQLException k0 =
          assertThrows(SQLException.class, () -> TestDb.exec(c, "SELECT ipr(x, ref, 0) FROM ok"));
      assertTrue(k0.getMessage().contains("ipr: k must be"), k0.getMessage());
      SQLException kVaries =
          assertThrows(SQLException.class, () -> TestDb.exec(c, "SELECT prdc(x, ref, k) FROM ok"));
      assertTrue(kVaries.getMessage().contains("prdc: k must be the same"), kVaries.getMessage());
      SQLException eps =
          assertThrows(
              SQLException.class, () -> TestDb.exec(c, "SELECT geomca(x, ref, -1.0) FROM ok"));
      assertTrue(eps.getMessage().contains("geomca: epsilon must be >= 0"), eps.getMessage());
    }
  }
}

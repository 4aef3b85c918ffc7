package io.actdb.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.cka.CkaReference;
import io.actdb.sql.geometry.GeometryReference;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The numeric promises of all seven aggregates at extreme scales and offsets, through SQL, against
 * float64 oracles written from the definitions ({@link CkaReference}, {@link GeometryReference}) on
 * the very float32 values the database holds.
 *
 * <p>"Identical" across scalings means: for a power-of-two scale every result is the same double,
 * bit for bit (lengths, GeomCA's ε, scaled by exactly that power); for a decimal scale the data
 * itself rounds to float32 (2^-24 relative), so counts and shares are the same here (this data has
 * no pair within that rounding of a decision boundary), ε is the same to 1e-6 relative and the CKA
 * values to 1e-6, while each result equals its oracle on the scaled data.
 */
class ScaleAndOffsetTest {
  private static final int N_CKA = 300;
  private static final int DX = 10;
  private static final int DY = 7;
  private static final int N_R = 120;
  private static final int N_E = 100;
  private static final int D = 12;
  private static final double SIGMA_FRAC = 0.8;
  private static final double EPSILON = 3.5; // an explicit GeomCA ε in the unscaled data's units
  private static final double GAMMA = 0.5; // sparsification at δ = γ·ε, a length too

  private static final float[][] X;
  private static final float[][] Y;
  private static final float[][] R;
  private static final float[][] E;

  static {
    Random random = new Random(20261207);
    X = TestDb.gaussian(random, N_CKA, DX);
    float[][] mixed = TestDb.times(X, TestDb.orthogonal(random, DX));
    float[][] noise = TestDb.gaussian(random, N_CKA, DY);
    Y = new float[N_CKA][DY];
    for (int i = 0; i < N_CKA; i++) {
      // Multiples of 1/1024 again, so that offsets up to 1e3 and powers of two stay exact.
      for (int k = 0; k < DY; k++) Y[i][k] = Math.round((mixed[i][k] + noise[i][k]) * 1024) / 1024f;
    }
    R = TestDb.gaussian(random, N_R, D);
    E = TestDb.affine(TestDb.gaussian(random, N_E, D), 1.0, 0.5);
  }

  private Connection c;

  @BeforeEach
  void open() throws SQLException {
    c = TestDb.open();
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  /** Every result of the seven functions over tables {@code t} (x, y) and {@code pts} (x, ref). */
  private record Results(
      Double cka,
      Double ckaDebiased,
      Double ckaRbf,
      List<Double> ipr,
      List<Double> prdc,
      Geom geomca,
      Geom geomcaAtEpsilon,
      Geom geomcaRedefined,
      Geom geomcaSparsified) {}

  /** A GeomCA result: shares and counts, and ε apart (a length). */
  private record Geom(List<Double> shares, List<Long> counts, Double epsilon, List<String> sizes) {}

  private Results run(double epsilon) throws SQLException {
    Double[] cka =
        row("SELECT cka(x, y), cka_debiased(x, y), cka_rbf(x, y, " + SIGMA_FRAC + ") FROM t");
    return new Results(
        cka[0],
        cka[1],
        cka[2],
        Arrays.asList(row("SELECT r.precision, r.recall FROM (SELECT ipr(x, ref) r FROM pts)")),
        Arrays.asList(
            row(
                "SELECT r.precision, r.recall, r.density, r.coverage"
                    + " FROM (SELECT prdc(x, ref) r FROM pts)")),
        geom("geomca(x, ref)"),
        geom("geomca(x, ref, " + epsilon + "::DOUBLE)"),
        geom("geomca_redefined(x, ref)"),
        geom("geomca(x, ref, NULL, 0, 0, " + GAMMA + ")"));
  }

  private Geom geom(String call) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT g IS NULL, g.precision, g.recall, g.network_consistency, g.network_quality,"
                    + " g.n_components, g.n_edges, g.epsilon, list_transform(g.components, lambda"
                    + " p: p.n_reference || '/' || p.n_evaluation) FROM (SELECT "
                    + call
                    + " g FROM pts)")) {
      rs.next();
      if (rs.getBoolean(1)) return null;
      List<Double> shares = new ArrayList<>();
      for (int i = 2; i <= 5; i++) shares.add(nullable(rs, i));
      List<Long> counts = List.of(rs.getLong(6), rs.getLong(7));
      List<String> sizes = new ArrayList<>();
      for (Object o : (Object[]) rs.getArray(9).getArray()) sizes.add(o.toString());
      return new Geom(shares, counts, rs.getDouble(8), sizes);
    }
  }

  private Double[] row(String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      Double[] out = new Double[rs.getMetaData().getColumnCount()];
      for (int i = 0; i < out.length; i++) out[i] = nullable(rs, i + 1);
      return out;
    }
  }

  private static Double nullable(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  private void load(float[][] x, float[][] y, float[][] r, float[][] e) throws SQLException {
    TestDb.createTable(c, "t", x, y, null, false);
    TestDb.createSets(c, "pts", r, e, null);
  }

  /** The oracles' results on exactly these floats. */
  private static Results expected(float[][] x, float[][] y, float[][] r, float[][] e, double eps) {
    Double cka = CkaReference.cka(x, y);
    Double debiased = CkaReference.ckaDebiased(x, y);
    Double rbf = CkaReference.ckaRbf(x, y, SIGMA_FRAC);
    var ipr = GeometryReference.ipr(r, e, 3);
    var prdc = GeometryReference.prdc(r, e, 5);
    return new Results(
        cka,
        debiased,
        rbf,
        Arrays.asList(ipr.precision(), ipr.recall()),
        Arrays.asList(prdc.precision(), prdc.recall(), prdc.density(), prdc.coverage()),
        geom(GeometryReference.geomca(r, e, Double.NaN, 0, 0, 0, false)),
        geom(GeometryReference.geomca(r, e, eps, 0, 0, 0, false)),
        geom(GeometryReference.geomca(r, e, Double.NaN, 0, 0, 0, true)),
        geom(GeometryReference.geomca(r, e, Double.NaN, 0, 0, GAMMA, false)));
  }

  private static Geom geom(GeometryReference.GeomCa g) {
    if (g == null) return null;
    List<String> sizes = new ArrayList<>();
    for (var p : g.components()) sizes.add(p.nReference() + "/" + p.nEvaluation());
    return new Geom(
        Arrays.asList(g.precision(), g.recall(), g.networkConsistency(), g.networkQuality()),
        List.of((long) g.components().size(), -1L),
        g.epsilon(),
        sizes);
  }

  /** Results equal to the oracles': shares exactly, values to {@code tolerance} relative. */
  private static void assertMatchesOracle(
      Results want, Results got, double rbfTolerance, String what) {
    assertClose(want.cka(), got.cka(), 1e-9, what + " cka");
    assertClose(want.ckaDebiased(), got.ckaDebiased(), 1e-9, what + " cka_debiased");
    assertClose(want.ckaRbf(), got.ckaRbf(), rbfTolerance, what + " cka_rbf");
    assertListClose(want.ipr(), got.ipr(), what + " ipr");
    assertListClose(want.prdc(), got.prdc(), what + " prdc");
    assertGeomMatches(want.geomca(), got.geomca(), what + " geomca");
    assertGeomMatches(want.geomcaAtEpsilon(), got.geomcaAtEpsilon(), what + " geomca(ε)");
    assertGeomMatches(want.geomcaRedefined(), got.geomcaRedefined(), what + " geomca_redefined");
    assertGeomMatches(want.geomcaSparsified(), got.geomcaSparsified(), what + " geomca(γ)");
  }

  private static void assertGeomMatches(Geom want, Geom got, String what) {
    if (want == null) {
      assertNull(got, what);
      return;
    }
    assertNotNull(got, what);
    assertListClose(want.shares(), got.shares(), what + " shares");
    assertEquals(want.counts().get(0), got.counts().get(0), what + " components");
    // Component order ties are broken by measures the oracle does not sort by: compare as sets.
    assertEquals(new TreeSet<>(want.sizes()), new TreeSet<>(got.sizes()), what + " sizes");
    assertClose(want.epsilon(), got.epsilon(), 1e-12, what + " epsilon");
  }

  /** Shares are ratios of counts; the oracle may round its formula differently in the last bit. */
  private static void assertListClose(List<Double> want, List<Double> got, String what) {
    assertEquals(want.size(), got.size(), what);
    for (int i = 0; i < want.size(); i++) {
      assertClose(want.get(i), got.get(i), 1e-12, what + " [" + i + "]");
    }
  }

  private static void assertClose(Double want, Double got, double tolerance, String what) {
    if (want == null || got == null) {
      assertEquals(want, got, what);
      return;
    }
    assertTrue(
        Math.abs(want - got) <= tolerance * Math.abs(want) || want.equals(got),
        what + ": expected " + want + " but got " + got);
  }

  /** Every value in {@code a} multiplied by {@code s}, rounded to float. */
  private static float[][] scaled(float[][] a, double s) {
    return TestDb.affine(a, s, 0);
  }

  @ParameterizedTest(name = "scale {0}")
  @ValueSource(doubles = {1e-30, 1e-20, 1e20, 1e30, 0x1p-100, 0x1p-60, 0x1p60, 0x1p100})
  void everyFunctionGivesTheSameResultAtAnyScale(double s) throws SQLException {
    load(X, Y, R, E);
    Results unscaled = run(EPSILON);
    assertMatchesOracle(expected(X, Y, R, E, EPSILON), unscaled, 1e-6, "unscaled");
    assertTrue(unscaled.ipr().get(0) > 0 && unscaled.ipr().get(0) < 1, "a precision that can move");
    assertTrue(unscaled.geomcaAtEpsilon().counts().get(1) > 0, "some edges at ε");

    float[][] xs = scaled(X, s);
    float[][] ys = scaled(Y, s);
    float[][] rs = scaled(R, s);
    float[][] es = scaled(E, s);
    load(xs, ys, rs, es);
    Results atScale = run(EPSILON * s);
    assertMatchesOracle(expected(xs, ys, rs, es, EPSILON * s), atScale, 1e-6, "scale " + s);

    boolean powerOfTwo = s == Math.scalb(1.0, Math.getExponent(s));
    if (powerOfTwo) {
      assertEquals(unscaled.cka(), atScale.cka(), "cka, bit for bit");
      assertEquals(unscaled.ckaDebiased(), atScale.ckaDebiased(), "cka_debiased, bit for bit");
      assertEquals(unscaled.ckaRbf(), atScale.ckaRbf(), "cka_rbf, bit for bit");
    } else {
      assertClose(unscaled.cka(), atScale.cka(), 1e-6, "cka");
      assertClose(unscaled.ckaDebiased(), atScale.ckaDebiased(), 1e-6, "cka_debiased");
      assertClose(unscaled.ckaRbf(), atScale.ckaRbf(), 1e-6, "cka_rbf");
    }
    assertEquals(unscaled.ipr(), atScale.ipr(), "ipr");
    assertEquals(unscaled.prdc(), atScale.prdc(), "prdc");
    for (String which : List.of("geomca", "geomca(ε)", "geomca_redefined", "geomca(γ)")) {
      Geom a = pick(unscaled, which);
      Geom b = pick(atScale, which);
      assertEquals(a.shares(), b.shares(), which + " shares");
      assertEquals(a.counts(), b.counts(), which + " components and edges");
      assertEquals(a.sizes(), b.sizes(), which + " component sizes");
      if (powerOfTwo) assertEquals(a.epsilon() * s, b.epsilon(), which + " ε, bit for bit");
      else assertClose(a.epsilon() * s, b.epsilon(), 1e-6, which + " ε");
    }
  }

  private static Geom pick(Results r, String which) {
    return switch (which) {
      case "geomca" -> r.geomca();
      case "geomca(ε)" -> r.geomcaAtEpsilon();
      case "geomca(γ)" -> r.geomcaSparsified();
      default -> r.geomcaRedefined();
    };
  }

  @ParameterizedTest(name = "offset {0}")
  @ValueSource(doubles = {0, 1e3, 1e6})
  void everyFunctionIsRightAtAnOffset(double offset) throws SQLException {
    float[][] xo = TestDb.affine(X, 1, offset);
    float[][] yo = TestDb.affine(Y, 1, offset);
    float[][] ro = TestDb.affine(R, 1, offset);
    float[][] eo = TestDb.affine(E, 1, offset);
    load(xo, yo, ro, eo);
    Results got = run(EPSILON);
    // The CKA family is translation-invariant: its value is that of the float32 inputs moved
    // back to the origin (exactly: x − offset of a float near the offset is a float).
    float[][] xb = TestDb.affine(xo, 1, -offset);
    float[][] yb = TestDb.affine(yo, 1, -offset);
    assertTrue(distinct(xo, 0) > 10, "the offset data still has many values per coordinate");
    Results want = expected(xb, yb, ro, eo, EPSILON);
    assertMatchesOracle(want, got, 1e-6, "offset " + offset);
    if (offset <= 1e3) {
      // Inputs that are multiples of 1/1024 survive +1e3 exactly: the very same answers.
      load(X, Y, R, E);
      Results base = run(EPSILON);
      assertClose(base.cka(), got.cka(), 1e-12, "cka at +" + offset);
      assertClose(base.ckaDebiased(), got.ckaDebiased(), 1e-12, "cka_debiased at +" + offset);
      assertEquals(base.ipr(), got.ipr());
      assertEquals(base.prdc(), got.prdc());
      assertEquals(base.geomcaAtEpsilon(), got.geomcaAtEpsilon());
    }
  }

  /** The case of the attack: +1e6, where a coordinate keeps a handful of float32 values. */
  @Test
  void ckaAtAMillionWithFewDistinctValuesIsTheShiftedBackValue() throws SQLException {
    float[][] x = TestDb.affine(X, 0.05, 1e6);
    float[][] y = TestDb.affine(Y, 0.05, 1e6);
    int values = distinct(x, 0);
    assertTrue(values > 2 && values < 40, values + " distinct values in a coordinate");
    TestDb.createTable(c, "t", x, y, null, false);
    float[][] xb = TestDb.affine(x, 1, -1e6);
    float[][] yb = TestDb.affine(y, 1, -1e6);
    double want = CkaReference.cka(xb, yb);
    double wantDebiased = CkaReference.ckaDebiased(xb, yb);
    assertClose(want, TestDb.scalar(c, "SELECT cka(x, y) FROM t"), 1e-9, "cka");
    assertClose(
        wantDebiased, TestDb.scalar(c, "SELECT cka_debiased(x, y) FROM t"), 1e-9, "debiased");
  }

  /** +1e30: every float32 input is the same number; only then are the CKA values NULL. */
  @Test
  void whereTheInputsTrulyBecomeConstantTheCkaFamilyIsNull() throws SQLException {
    float[][] xo = TestDb.affine(X, 1, 1e30);
    float[][] yo = TestDb.affine(Y, 1, 1e30);
    float[][] ro = TestDb.affine(R, 1, 1e30);
    float[][] eo = TestDb.affine(E, 1, 1e30);
    assertEquals(1, distinct(xo, 0), "x + 1e30 is constant in float32");
    load(xo, yo, ro, eo);
    Results got = run(EPSILON);
    assertNull(got.cka());
    assertNull(got.ckaDebiased());
    assertNull(got.ckaRbf());
    // The two-set functions see identical points: every ball has radius 0 and holds them all.
    Results oracle = expected(xo, yo, ro, eo, EPSILON);
    Results want =
        new Results(
            null,
            null,
            null,
            oracle.ipr(),
            oracle.prdc(),
            oracle.geomca(),
            oracle.geomcaAtEpsilon(),
            oracle.geomcaRedefined(),
            oracle.geomcaSparsified());
    assertMatchesOracle(want, got, 1e-6, "offset 1e30");
    // One coordinate of y that still varies at 1e30 (steps of 2^77) keeps y defined, x not.
    for (int i = 0; i < N_CKA; i++) yo[i][0] = (float) (1e30 + (i % 5) * 0x1p77);
    TestDb.createTable(c, "t", xo, yo, null, false);
    assertNull(TestDb.scalar(c, "SELECT cka(x, y) FROM t"), "x is constant");
    assertNotNull(TestDb.scalar(c, "SELECT cka(y, y) FROM t"), "y varies in one coordinate");
    assertEquals(1.0, TestDb.scalar(c, "SELECT cka(y, y) FROM t"), 1e-12);
  }

  private static int distinct(float[][] rows, int column) {
    TreeSet<Float> values = new TreeSet<>();
    for (float[] row : rows) values.add(row[column]);
    return values.size();
  }
}

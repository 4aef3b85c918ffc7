package io.actdb.sql.cka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.TestDb;
import io.actdb.sql.geometry.GeometryReference;
import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.spi.SqlFunctionException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;

/**
 * Wide layers: sizes in long arithmetic, the example-space form when the feature-space moments
 * would not fit the heap, and a clear error, before allocating, when the rows would not either; the
 * pairwise functions at the same width.
 */
class WideLayerTest {
  private static final int WIDE = 65_536;
  private static final int ROWS = 10;

  @Test
  void ckaAt65536DimensionsEqualsTheGramOracle() throws SQLException {
    // (65 536 + 65 536)² doubles would be 128 GiB: this group must take the example-space form.
    assertFalse(HeapBudget.fits(CkaMoments.bytes(2L * WIDE)));
    // With d ≫ n, independent coordinates make both Gram matrices near-diagonal and CKA near 1;
    // one latent factor per representation (g for x, g + e for y) gives a value in between.
    Random random = new Random(65536);
    float[][] x = new float[ROWS][WIDE];
    float[][] y = new float[ROWS][WIDE];
    float[] u = TestDb.gaussian(random, 1, WIDE)[0];
    float[] v = TestDb.gaussian(random, 1, WIDE)[0];
    for (int i = 0; i < ROWS; i++) {
      double g = random.nextGaussian();
      double h = g + random.nextGaussian();
      for (int k = 0; k < WIDE; k++) {
        x[i][k] = Math.round((g * u[k] + 0.3 * random.nextGaussian()) * 1024) / 1024f;
        y[i][k] = Math.round((h * v[k] + 0.3 * random.nextGaussian()) * 1024) / 1024f;
      }
    }
    double want = CkaReference.cka(x, y);
    double wantDebiased = CkaReference.ckaDebiased(x, y);
    assertTrue(want > 0.05 && want < 0.95, "a value with digits to lose: " + want);
    try (Connection c = TestDb.open()) {
      TestDb.exec(c, "CREATE TABLE w (i BIGINT, x FLOAT[" + WIDE + "], y FLOAT[" + WIDE + "])");
      try (var appender = c.unwrap(DuckDBConnection.class).createAppender("w")) {
        for (int i = 0; i < ROWS; i++) {
          appender.beginRow().append((long) i).append(x[i]).append(y[i]).endRow();
        }
      }
      double[] got = both(c, "SELECT cka(x, y), cka_debiased(x, y) FROM w");
      assertEquals(want, got[0], 1e-9 * want, "cka");
      assertEquals(wantDebiased, got[1], 1e-9 * Math.abs(wantDebiased), "cka_debiased");
      // FLOAT[] lists, and a common offset (exact for these multiples of 1/1024), the same.
      double[] shifted =
          both(
              c,
              "SELECT cka(list_transform(x::FLOAT[], lambda v: (v + 1000)::FLOAT),"
                  + " list_transform(y::FLOAT[], lambda v: (v - 1000)::FLOAT)),"
                  + " cka_debiased(x::FLOAT[], y::FLOAT[]) FROM w");
      assertEquals(want, shifted[0], 1e-9 * want, "cka at an offset, as lists");
      assertEquals(wantDebiased, shifted[1], 1e-9 * Math.abs(wantDebiased), "debiased, lists");
    }
  }

  /** The pairwise functions at the same width: every size of their buffers and tiles in range. */
  @Test
  void distanceFunctionsAt65536DimensionsEqualTheirOracles() throws SQLException {
    Random random = new Random(4096);
    float[][] r = TestDb.gaussian(random, 12, WIDE);
    float[][] e = TestDb.affine(TestDb.gaussian(random, 10, WIDE), 1.0, 0.01);
    float[][] x = TestDb.gaussian(random, ROWS, WIDE);
    float[][] y = TestDb.affine(x, 2.0, 1.0);
    for (int k = 0; k < WIDE; k += 3) y[0][k] = 0; // not a mere affine copy of x
    var ipr = GeometryReference.ipr(r, e, 3);
    var prdc = GeometryReference.prdc(r, e, 5);
    var geomca = GeometryReference.geomca(r, e, Double.NaN, 0, 0, 0, false);
    double rbf = CkaReference.ckaRbf(x, y, 0.5);
    try (Connection c = TestDb.open()) {
      TestDb.createSets(c, "pts", r, e, null);
      TestDb.exec(c, "CREATE TABLE w (x FLOAT[" + WIDE + "], y FLOAT[" + WIDE + "])");
      try (var appender = c.unwrap(DuckDBConnection.class).createAppender("w")) {
        for (int i = 0; i < ROWS; i++) appender.beginRow().append(x[i]).append(y[i]).endRow();
      }
      double[] got =
          values(
              c,
              "SELECT i.precision, i.recall, p.precision, p.recall, p.density, p.coverage,"
                  + " g.precision, g.recall, g.epsilon, len(g.components) FROM (SELECT ipr(x, ref)"
                  + " i, prdc(x, ref) p, geomca(x, ref) g FROM pts)",
              10);
      double[] want = {
        ipr.precision(),
        ipr.recall(),
        prdc.precision(),
        prdc.recall(),
        prdc.density(),
        prdc.coverage(),
        geomca.precision(),
        geomca.recall(),
        geomca.epsilon(),
        geomca.components().size()
      };
      for (int k = 0; k < want.length; k++) {
        assertEquals(want[k], got[k], 1e-12 * Math.abs(want[k]), "result " + k);
      }
      assertEquals(rbf, values(c, "SELECT cka_rbf(x, y, 0.5) FROM w", 1)[0], 1e-6 * rbf, "cka_rbf");
    }
  }

  private static double[] values(Connection c, String sql, int count) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      assertTrue(rs.next());
      double[] out = new double[count];
      for (int k = 0; k < count; k++) out[k] = rs.getDouble(k + 1);
      return out;
    }
  }

  private static double[] both(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      assertTrue(rs.next());
      return new double[] {rs.getDouble(1), rs.getDouble(2)};
    }
  }

  @Test
  void rowsThatWouldNotFitAreAnErrorNamingTheBytesAndTheHeapBeforeAllocating() {
    int dx = 1 << 28; // one row of x and y: 2 GiB of floats
    WideRows rows = new WideRows(dx, dx);
    SqlFunctionException e =
        assertThrows(SqlFunctionException.class, () -> rows.add(new float[0], 1));
    String message = e.getMessage();
    long heap = Runtime.getRuntime().maxMemory();
    assertTrue(message.contains(String.valueOf(2L * dx * Float.BYTES + 2 * Double.BYTES)), message);
    assertTrue(message.contains("(" + heap + " bytes)"), message);
    assertTrue(message.contains("-Xmx"), message);
    assertTrue(message.contains("USING SAMPLE"), message);
    assertFalse(message.matches(".*[a-z]+\\.[A-Z][A-Za-z]+(Exception|Error).*"), message);
    assertEquals(0, rows.n, "nothing was added");
  }

  @Test
  void theFeatureSpaceStateIsRefusedBeforeAllocatingWhenItCannotFit() {
    long dz = 1L << 20;
    String what = "the moments of " + dz + " dimensions";
    SqlFunctionException e =
        assertThrows(
            SqlFunctionException.class, () -> HeapBudget.require(CkaMoments.bytes(dz), what));
    assertTrue(e.getMessage().startsWith(what + " needs 8.0 TiB"), e.getMessage());
  }

  @Test
  void anArrayBeyondJavaLimitsIsAClearErrorNotAnOverflow() {
    SqlFunctionException e =
        assertThrows(
            SqlFunctionException.class,
            () -> HeapBudget.allocateFloats(3L << 30, "a group's points"));
    assertTrue(e.getMessage().contains("12.0 GiB"), e.getMessage());
  }
}

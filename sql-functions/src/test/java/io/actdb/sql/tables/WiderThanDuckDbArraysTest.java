package io.actdb.sql.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.StoreConnections;
import io.actdb.sql.cka.CkaReference;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flattened layer wider than DuckDB's C API makes arrays (99 999 elements) still reads: its
 * {@code vec} is a {@code FLOAT[]} list holding the values written, and {@code cka} over two such
 * layers equals the plain-Java Gram oracle.
 */
class WiderThanDuckDbArraysTest {
  private static final int ROWS = 6;
  private static final int WIDE = 120_000;

  @TempDir Path dir;

  @Test
  void aLayerWiderThanDuckDbArraysIsAListWithTheWrittenValues() throws IOException, SQLException {
    SplittableRandom random = new SplittableRandom(99_999);
    float[][] x = new float[ROWS][WIDE];
    float[][] y = new float[ROWS][WIDE];
    // With d ≫ n, independent coordinates make both Gram matrices near-diagonal and CKA near 1;
    // one latent factor per side (g for x, g + e for y) gives a value in between. Multiples of
    // 1/1024 keep the oracle's sums exact long enough for a 1e-9 comparison.
    float[] u = new float[WIDE];
    float[] v = new float[WIDE];
    for (int k = 0; k < WIDE; k++) {
      u[k] = (float) random.nextGaussian();
      v[k] = (float) random.nextGaussian();
    }
    for (int i = 0; i < ROWS; i++) {
      double g = random.nextGaussian();
      double h = g + random.nextGaussian();
      for (int k = 0; k < WIDE; k++) {
        x[i][k] = Math.round((g * u[k] + 0.3 * random.nextGaussian()) * 1024) / 1024f;
        y[i][k] = Math.round((h * v[k] + 0.3 * random.nextGaussian()) * 1024) / 1024f;
      }
    }
    float[] narrow = new float[99_999];
    narrow[99_998] = 3.5f;
    try (StoreWriter w = StoreWriter.open(dir)) {
      write(w, "x", x);
      write(w, "y", y);
      try (LayerWriter lw = w.beginLayer("m", "narrow", narrow.length, "none")) {
        lw.append(0, narrow, 0);
        lw.commit();
      }
    }
    double want = CkaReference.cka(x, y);
    assertTrue(want > 0.05 && want < 0.95, "a value with digits to lose: " + want);
    try (Connection c = StoreConnections.open(dir)) {
      assertEquals("FLOAT[]", text(c, "SELECT typeof(vec) FROM layer('m', 'x') LIMIT 1"));
      assertEquals("FLOAT[99999]", text(c, "SELECT typeof(vec) FROM layer('m', 'narrow')"));
      assertEquals("3.5", text(c, "SELECT vec[99999] FROM layer('m', 'narrow')"));
      assertEquals(
          String.valueOf(WIDE),
          text(c, "SELECT DISTINCT len(vec) FROM layer('m', 'y') WHERE sample_id = 4"));
      assertEquals(
          String.valueOf(y[4][WIDE - 1]),
          text(c, "SELECT vec[" + WIDE + "] FROM layer('m', 'y') WHERE sample_id = 4"));
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT cka(a.vec, b.vec) FROM layer('m', 'x') a"
                      + " JOIN layer('m', 'y') b USING (sample_id)")) {
        r.next();
        assertEquals(want, r.getDouble(1), 1e-9 * want);
      }
    }
  }

  private static void write(StoreWriter w, String layer, float[][] rows) throws IOException {
    try (LayerWriter lw = w.beginLayer("m", layer, WIDE, "none")) {
      for (int i = 0; i < rows.length; i++) lw.append(i, rows[i], 0);
      lw.commit();
    }
  }

  private static String text(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next(), sql);
      return r.getString(1);
    }
  }
}

package io.actdb.sql.cka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.TestDb;
import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.spi.ResultWriter;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.VectorColumn;
import io.actdb.sql.spi.VectorListColumn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;

/**
 * {@code cka_matrix}'s two forms: a group of few samples against Σd keeps its rows (example form),
 * a larger one the feature-space moments; each form, the switch between them while rows arrive, and
 * combine across forms give the plain-Java oracle ({@link CkaReference}) and the pairwise functions
 * to 1e-9 relative, with many layers of different dims.
 */
class CkaMatrixFormsTest {
  private static final int[] DIMS = {9, 30, 4, 50, 1, 17};
  private static final int DZ = Arrays.stream(DIMS).sum();
  private static final double RELATIVE = 1e-9;

  /** Largest n the example form keeps for {@link #DIMS}. */
  private static int switchRows() {
    int n = 1;
    while (MatrixRows.keepRows(n + 1, DIMS.length, DZ)) n++;
    return n;
  }

  /**
   * Layers of the same samples: two shared latent factors, each layer through its own map, plus
   * noise; multiples of 1/1024 with an exact offset on layer 2, so the values have digits to lose.
   */
  private static float[][][] layers(long seed, int n) {
    Random random = new Random(seed);
    float[][] latent = TestDb.gaussian(random, n, 2);
    float[][][] out = new float[DIMS.length][n][];
    for (int l = 0; l < DIMS.length; l++) {
      float[][] map = TestDb.gaussian(random, 2, DIMS[l]);
      for (int i = 0; i < n; i++) {
        out[l][i] = new float[DIMS[l]];
        for (int k = 0; k < DIMS[l]; k++) {
          double v = (0.2 + 0.2 * l) * random.nextGaussian();
          for (int f = 0; f < 2; f++) v += latent[i][f] * map[f][k];
          out[l][i][k] = Math.round(v * 1024) / 1024f + (l == 1 ? 64f : 0f);
        }
      }
    }
    return out;
  }

  private static float[][][] head(float[][][] layers, int from, int to) {
    float[][][] out = new float[layers.length][][];
    for (int l = 0; l < layers.length; l++) out[l] = Arrays.copyOfRange(layers[l], from, to);
    return out;
  }

  /** The oracle's [l][m] = {cka, cka_debiased}, NaN where undefined (debiased below 4 rows). */
  private static double[][][] oracle(float[][][] layers) {
    int count = layers.length;
    double[][][] out = new double[count][count][];
    for (int l = 0; l < count; l++) {
      for (int m = 0; m < count; m++) {
        double debiased =
            layers[l].length < 4 ? Double.NaN : CkaReference.ckaDebiased(layers[l], layers[m]);
        out[l][m] = new double[] {CkaReference.cka(layers[l], layers[m]), debiased};
      }
    }
    return out;
  }

  private static void assertMatches(double[][][] want, double[][][] got, String at) {
    for (int l = 0; l < want.length; l++) {
      for (int m = 0; m < want.length; m++) {
        for (int e = 0; e < 2; e++) {
          String what = (e == 0 ? "cka " : "cka_debiased ") + (l + 1) + "," + (m + 1) + ", " + at;
          if (Double.isNaN(want[l][m][e])) {
            assertTrue(Double.isNaN(got[l][m][e]), what + ": undefined, got " + got[l][m][e]);
          } else {
            assertEquals(want[l][m][e], got[l][m][e], RELATIVE * Math.abs(want[l][m][e]), what);
          }
        }
      }
    }
  }

  /** One chunk of rows of {@code vecs}, each row its layers' vectors; NULL rows where asked. */
  private record Chunk(VectorListColumn lists, int size) implements VectorChunk {
    static Chunk of(float[][][] layers, int from, int to, boolean nullEvery5th) {
      int n = to - from;
      int count = layers.length;
      VectorListColumn lists = new VectorListColumn();
      VectorColumn vectors = lists.vectors();
      float[] values = vectors.reset(n * count, n * DZ);
      lists.reset(n);
      int at = 0;
      for (int i = 0; i < n; i++) {
        for (int l = 0; l < count; l++) {
          float[] v = layers[l][from + i];
          System.arraycopy(v, 0, values, at, v.length);
          vectors.setRow(i * count + l, at, v.length);
          at += v.length;
        }
        if (!(nullEvery5th && i % 5 == 2)) lists.setRow(i, i * count, count);
      }
      return new Chunk(lists, n);
    }

    @Override
    public int columnCount() {
      return 1;
    }

    @Override
    public VectorColumn vectors(int column, String argumentName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public VectorListColumn vectorLists(int column, String argumentName) {
      return lists;
    }
  }

  /** What finalize wrote: a value, or a list, or a struct's fields. */
  private static final class Written implements ResultWriter {
    Double value;
    boolean isNull;
    final Map<Integer, Written> fields = new HashMap<>();
    final List<Written> elements = new ArrayList<>();

    @Override
    public void setDouble(double v) {
      value = v;
    }

    @Override
    public void setFloat(float v) {
      value = (double) v;
    }

    @Override
    public void setLong(long v) {
      value = (double) v;
    }

    @Override
    public void setNull() {
      isNull = true;
    }

    @Override
    public ResultWriter field(int index) {
      return fields.computeIfAbsent(index, k -> new Written());
    }

    @Override
    public void list(int length) {
      for (int i = 0; i < length; i++) elements.add(new Written());
    }

    @Override
    public ResultWriter listElement(int index) {
      return elements.get(index);
    }
  }

  private static double[][][] finalized(CkaMatrix f, CkaMatrix.State state) {
    Written out = new Written();
    f.finalize(state, out);
    int count = DIMS.length;
    assertEquals(count * count, out.elements.size());
    double[][][] got = new double[count][count][];
    for (Written pair : out.elements) {
      int l = (int) (double) pair.fields.get(0).value - 1;
      int m = (int) (double) pair.fields.get(1).value - 1;
      Written biased = pair.fields.get(2);
      Written debiased = pair.fields.get(3);
      got[l][m] =
          new double[] {
            biased.isNull ? Double.NaN : biased.value, debiased.isNull ? Double.NaN : debiased.value
          };
    }
    return got;
  }

  /** A state fed rows {@code from .. to} in updates of at most {@code step} rows. */
  private static CkaMatrix.State fed(CkaMatrix f, float[][][] layers, int from, int to, int step) {
    CkaMatrix.State s = f.newState();
    for (int at = from; at < to; at += step) {
      int end = Math.min(to, at + step);
      int[] all = new int[end - at];
      for (int i = 0; i < all.length; i++) all[i] = i;
      f.update(s, Chunk.of(layers, at, end, false), all, all.length);
    }
    return s;
  }

  @Test
  void theExampleFormIsChosenByBytesAndSwitchesToTheFeatureForm() {
    int switchAt = switchRows();
    long featureBytes = BlockMoments.bytes(DIMS.length, DZ);
    assertTrue(switchAt > 4 && switchAt < DZ, "few samples against Σd: " + switchAt);
    assertTrue(WideRows.bytes(switchAt, DZ, DIMS.length) <= featureBytes);
    assertTrue(WideRows.bytes(switchAt + 1, DZ, DIMS.length) > featureBytes);
    // When the feature form cannot be had at all, rows are kept whatever their number.
    assertFalse(HeapBudget.fits(BlockMoments.bytes(3, 3L << 16)));
    assertTrue(MatrixRows.keepRows(1_000_000, 3, 3L << 16));
  }

  @Test
  void eachFormAndTheSwitchWhileRowsArriveGiveTheOracle() {
    CkaMatrix f = new CkaMatrix();
    int switchAt = switchRows();
    int most = 3 * DZ;
    float[][][] all = layers(18, most);
    for (int n : new int[] {2, 3, 4, 17, switchAt - 1, switchAt, switchAt + 1, DZ, most}) {
      float[][][] rows = head(all, 0, n);
      double[][][] want = oracle(rows);
      for (int step : new int[] {n, 7}) {
        CkaMatrix.State s = fed(f, all, 0, n, step);
        String at = n + " rows in steps of " + step;
        assertEquals(n <= switchAt, s.rows != null, "rows kept, " + at);
        assertEquals(n > switchAt, s.moments != null, "feature form, " + at);
        assertMatches(want, finalized(f, s), at);
      }
    }
  }

  @Test
  void combiningStatesOfEitherFormInEitherOrderGivesTheOracle() {
    CkaMatrix f = new CkaMatrix();
    int switchAt = switchRows();
    float[][][] all = layers(7, 3 * switchAt);
    int[][] splits = {
      {10, 20}, {switchAt, 1}, {switchAt - 5, 4}, {switchAt + 3, 9}, {9, switchAt + 3}, {1, 1}
    };
    for (int[] split : splits) {
      int a = split[0];
      int total = a + split[1];
      double[][][] want = oracle(head(all, 0, total));
      for (boolean intoFirst : new boolean[] {true, false}) {
        CkaMatrix.State first = fed(f, all, 0, a, a);
        CkaMatrix.State second = fed(f, all, a, total, total);
        CkaMatrix.State target = intoFirst ? first : second;
        f.combine(intoFirst ? second : first, target);
        String at = a + " + " + (total - a) + (intoFirst ? "" : " (reversed)");
        assertEquals(total <= switchAt, target.rows != null, "rows kept after combine, " + at);
        assertMatches(want, finalized(f, target), at);
      }
    }
  }

  @Test
  void nullRowsAreSkippedInTheExampleForm() {
    CkaMatrix f = new CkaMatrix();
    int n = 40;
    float[][][] all = layers(3, n);
    CkaMatrix.State s = f.newState();
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) rows[i] = i;
    f.update(s, Chunk.of(all, 0, n, true), rows, n);
    assertNotNull(s.rows, "40 rows of " + DZ + " dims: kept");
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < n; i++) if (i % 5 != 2) kept.add(i);
    float[][][] left = new float[DIMS.length][kept.size()][];
    for (int l = 0; l < DIMS.length; l++) {
      for (int k = 0; k < kept.size(); k++) left[l][k] = all[l][kept.get(k)];
    }
    assertMatches(oracle(left), finalized(f, s), "NULL rows skipped");
  }

  @Test
  void throughSqlGroupsOnBothSidesOfTheSwitchEqualTheOracleAndThePairwiseFunctions()
      throws SQLException {
    int switchAt = switchRows();
    int[] sizes = {3, 30, switchAt, switchAt + 1, 4 * DZ};
    int n = Arrays.stream(sizes).sum();
    float[][][] all = layers(2026, n);
    int[] group = new int[n];
    // Groups interleaved, so each one's rows arrive over several updates (and threads).
    int[] left = sizes.clone();
    for (int i = 0, g = 0; i < n; i++) {
      while (left[g % sizes.length] == 0) g++;
      group[i] = g % sizes.length;
      left[g % sizes.length]--;
      g++;
    }
    StringBuilder columns = new StringBuilder("g BIGINT");
    for (int l = 0; l < DIMS.length; l++) {
      columns.append(", v").append(l + 1).append(" FLOAT[").append(DIMS[l]).append("]");
    }
    try (Connection c = TestDb.open()) {
      TestDb.exec(c, "SET threads = 2");
      TestDb.exec(c, "CREATE TABLE w (" + columns + ")");
      try (var appender = c.unwrap(DuckDBConnection.class).createAppender("w")) {
        for (int i = 0; i < n; i++) {
          var row = appender.beginRow().append((long) group[i]);
          for (int l = 0; l < DIMS.length; l++) row = row.append(all[l][i]);
          row.endRow();
        }
      }
      Map<List<Long>, double[]> matrix = new HashMap<>();
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT g, p.i, p.j, p.cka, p.cka_debiased FROM (SELECT g,"
                      + " unnest(cka_matrix([v1::FLOAT[], v2::FLOAT[], v3::FLOAT[], v4::FLOAT[],"
                      + " v5::FLOAT[], v6::FLOAT[]])) AS p FROM w GROUP BY g)")) {
        while (r.next()) {
          matrix.put(
              List.of(r.getLong(1), r.getLong(2), r.getLong(3)),
              new double[] {r.getDouble(4), r.wasNull() ? Double.NaN : r.getDouble(5)});
        }
      }
      assertEquals(sizes.length * DIMS.length * DIMS.length, matrix.size());
      for (int g = 0; g < sizes.length; g++) {
        float[][][] rows = new float[DIMS.length][sizes[g]][];
        for (int i = 0, k = 0; i < n; i++) {
          if (group[i] != g) continue;
          for (int l = 0; l < DIMS.length; l++) rows[l][k] = all[l][i];
          k++;
        }
        double[][][] got = new double[DIMS.length][DIMS.length][];
        for (int l = 0; l < DIMS.length; l++) {
          for (int m = 0; m < DIMS.length; m++) {
            got[l][m] = matrix.get(List.of((long) g, l + 1L, m + 1L));
          }
        }
        assertMatches(oracle(rows), got, "group of " + sizes[g]);
      }
      // The pairwise aggregates on the same groups, every pair.
      for (int l = 0; l < DIMS.length; l++) {
        for (int m = 0; m < DIMS.length; m++) {
          try (Statement s = c.createStatement();
              ResultSet r =
                  s.executeQuery(
                      "SELECT g, cka(v%1$d, v%2$d), cka_debiased(v%1$d, v%2$d) FROM w GROUP BY g"
                          .formatted(l + 1, m + 1))) {
            while (r.next()) {
              double[] pair = matrix.get(List.of(r.getLong(1), l + 1L, m + 1L));
              String at = "pairwise " + (l + 1) + "," + (m + 1) + " in group " + r.getLong(1);
              assertEquals(r.getDouble(2), pair[0], RELATIVE * Math.abs(pair[0]), at);
              double debiased = r.getDouble(3);
              if (r.wasNull()) assertTrue(Double.isNaN(pair[1]), at);
              else assertEquals(debiased, pair[1], RELATIVE * Math.abs(debiased), at);
            }
          }
        }
      }
    }
  }

  /**
   * Σd beyond one Gram matrix in the heap (3 × 16 384 dims: (Σd)² doubles would be 18 GiB, beyond
   * Java's largest array too): a group of few rows takes the example form and still gets values.
   */
  @Test
  void layersTooWideForTheFeatureFormAreComputedInTheExampleForm() throws SQLException {
    int wide = 16_384;
    int n = 12;
    Random random = new Random(16384);
    float[][][] layers = new float[3][n][wide];
    float[][] latent = TestDb.gaussian(random, n, 1);
    for (int l = 0; l < 3; l++) {
      float[] map = TestDb.gaussian(random, 1, wide)[0];
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < wide; k++) {
          double v = latent[i][0] * map[k] + (0.3 + 0.3 * l) * random.nextGaussian();
          layers[l][i][k] = Math.round(v * 1024) / 1024f;
        }
      }
    }
    assertFalse(HeapBudget.fits(BlockMoments.bytes(3, 3L * wide)));
    try (Connection c = TestDb.open()) {
      TestDb.exec(
          c,
          "CREATE TABLE w (a FLOAT[" + wide + "], b FLOAT[" + wide + "], c FLOAT[" + wide + "])");
      try (var appender = c.unwrap(DuckDBConnection.class).createAppender("w")) {
        for (int i = 0; i < n; i++) {
          appender.beginRow().append(layers[0][i]).append(layers[1][i]).append(layers[2][i]);
          appender.endRow();
        }
      }
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT p.i, p.j, p.cka, p.cka_debiased FROM (SELECT"
                      + " unnest(cka_matrix([a::FLOAT[], b::FLOAT[], c::FLOAT[]])) AS p FROM w)")) {
        int pairs = 0;
        while (r.next()) {
          pairs++;
          float[][] x = layers[r.getInt(1) - 1];
          float[][] y = layers[r.getInt(2) - 1];
          double want = CkaReference.cka(x, y);
          double wantDebiased = CkaReference.ckaDebiased(x, y);
          assertEquals(want, r.getDouble(3), RELATIVE * want, "cka " + r.getInt(1) + r.getInt(2));
          assertEquals(
              wantDebiased, r.getDouble(4), RELATIVE * Math.abs(wantDebiased), "cka_debiased");
        }
        assertEquals(9, pairs);
      }
    }
  }

  @Test
  void whenNeitherFormFitsTheErrorNamesBothBeforeAllocating() {
    int wide = 1 << 27; // one row of three such layers: 1.5 GiB of floats
    int[] dims = {wide, wide, wide};
    assertTrue(MatrixRows.keepRows(1, 3, 3L * wide), "the feature form cannot be had");
    WideRows rows = MatrixRows.newRows(dims);
    SqlFunctionException e =
        assertThrows(SqlFunctionException.class, () -> rows.add(new float[0], 1));
    String message = e.getMessage();
    assertTrue(message.contains("1 rows of " + wide + " + " + wide + " + " + wide), message);
    assertTrue(message.contains("its feature-space form would need"), message);
    assertTrue(message.contains("3 Gram matrices"), message);
    assertTrue(message.contains("USING SAMPLE"), message);
    assertFalse(message.matches(".*[a-z]+\\.[A-Z][A-Za-z]+(Exception|Error).*"), message);
    assertEquals(0, rows.n, "nothing was added");
  }

  @Test
  void aConstantLayerGivesNullInTheExampleForm() {
    CkaMatrix f = new CkaMatrix();
    float[][][] all = layers(5, 20);
    for (float[] v : all[2]) Arrays.fill(v, 3f);
    CkaMatrix.State s = fed(f, all, 0, 20, 20);
    assertNotNull(s.rows);
    double[][][] got = finalized(f, s);
    assertTrue(Double.isNaN(got[2][0][0]) && Double.isNaN(got[0][2][1]), "pairs of layer 3");
    assertFalse(Double.isNaN(got[0][1][0]), "the others defined");
  }

  @Test
  void aPairsScatterForTheCcaFamilyIsTheDirectScatterInEitherForm() {
    CkaMatrix f = new CkaMatrix();
    int switchAt = switchRows();
    float[][][] all = layers(11, 2 * DZ);
    for (int n : new int[] {switchAt, 2 * DZ}) {
      CkaMatrix.State s = fed(f, all, 0, n, 7);
      assertEquals(n <= switchAt, s.rows != null, n + " rows kept");
      assertEquals(DIMS.length, CkaMatrix.layers(s));
      for (int[] pair : new int[][] {{1, 3}, {3, 1}, {0, 0}, {5, 2}}) {
        int l = pair[0];
        int m = pair[1];
        CentredScatter got = CkaMatrix.pairScatter(s, l, m);
        int dx = DIMS[l];
        int dz = dx + DIMS[m];
        assertEquals(dx, got.dx());
        assertEquals(n, got.n());
        // Plain Java: the rows [x, y], their mean, Σ(z − μ)(z − μ)ᵀ.
        double[] mean = new double[dz];
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < dz; k++) mean[k] += (k < dx ? all[l][i][k] : all[m][i][k - dx]) / n;
        }
        for (int a = 0; a < dz; a++) {
          for (int b = 0; b < dz; b++) {
            double want = 0;
            for (int i = 0; i < n; i++) {
              double za = a < dx ? all[l][i][a] : all[m][i][a - dx];
              double zb = b < dx ? all[l][i][b] : all[m][i][b - dx];
              want += (za - mean[a]) * (zb - mean[b]);
            }
            double scale = Math.sqrt(got.matrix()[a * dz + a] * got.matrix()[b * dz + b]);
            String at = n + " rows, pair " + l + "," + m + " at " + a + "," + b;
            assertEquals(want, got.matrix()[a * dz + b], 1e-9 * scale, at);
          }
        }
      }
    }
  }
}

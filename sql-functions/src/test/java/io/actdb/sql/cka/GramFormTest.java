package io.actdb.sql.cka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.TestDb;
import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.kernels.Kernels;
import io.actdb.sql.spi.VectorColumn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The example-space (Gram) form of {@code cka} and {@code cka_debiased}: a group keeps its rows
 * while it has no more of them than {@code dx + dy}, then switches to the feature-space moments.
 * Both forms, on the same rows, agree to 1e-9 relative on either side of the switch, and the value
 * equals the independent n×n oracle whichever form a state and its combined partners took.
 */
class GramFormTest {
  private static final int DX = 24;
  private static final int DY = 40;
  private static final int DZ = DX + DY;
  private static final double RELATIVE = 1e-9;

  /** Rows with one shared latent factor, so CKA sits well inside (0, 1), at a common offset. */
  private static float[][][] data(long seed, int n, double offset) {
    Random random = new Random(seed);
    float[][] x = new float[n][DX];
    float[][] y = new float[n][DY];
    for (int i = 0; i < n; i++) {
      double g = random.nextGaussian();
      for (int k = 0; k < DX; k++) x[i][k] = (float) (offset + g * (k % 3) + random.nextGaussian());
      for (int k = 0; k < DY; k++) {
        y[i][k] = (float) (-offset + 0.7 * g * (k % 5 - 2) + random.nextGaussian());
      }
    }
    return new float[][][] {x, y};
  }

  private static float[] block(float[][] x, float[][] y, int from, int to) {
    float[] block = new float[(to - from) * DZ];
    for (int i = from; i < to; i++) {
      System.arraycopy(x[i], 0, block, (i - from) * DZ, DX);
      System.arraycopy(y[i], 0, block, (i - from) * DZ + DX, DY);
    }
    return block;
  }

  private static double[] ckaOf(CkaMoments.Centred c, long n) {
    double biased = c.xy() / Math.sqrt(c.xx() * c.yy());
    double hxy = LinearCka.unbiasedHsic(c.xy(), c.sumAB(), c.sumA(), c.sumB(), n);
    double hxx = LinearCka.unbiasedHsic(c.xx(), c.sumAA(), c.sumA(), c.sumA(), n);
    double hyy = LinearCka.unbiasedHsic(c.yy(), c.sumBB(), c.sumB(), c.sumB(), n);
    return new double[] {biased, hxy / Math.sqrt(hxx * hyy)};
  }

  private static void assertRelative(double want, double got, String what) {
    assertEquals(want, got, RELATIVE * Math.abs(want), what);
  }

  @Test
  void bothFormsAgreeOnTheSameRowsOnEitherSideOfTheSwitch() {
    GramKernels kernels = Kernels.get();
    for (double offset : new double[] {0, 0.5, 1000}) {
      for (int n : new int[] {4, 17, DZ - 1, DZ, DZ + 1, 2 * DZ, 300}) {
        float[][][] d = data(n * 31L + (long) offset, n, offset);
        float[] rows = block(d[0], d[1], 0, n);
        WideRows wide = new WideRows(DX, DY);
        wide.add(rows, n);
        // The origin the aggregate gives its moments: without one, an offset costs them digits.
        CkaMoments moments = new CkaMoments(DX, DY, wide.meanAsFloats());
        moments.addBlock(kernels, rows.clone(), n, GramKernels.Accumulation.EXACT, 1);
        double[] feature = ckaOf(moments.centred(), n);
        double[] gram = ckaOf(wide.centred(kernels, 2), n);
        String at = "n = " + n + ", offset " + offset;
        assertTrue(feature[0] > 0.05 && feature[0] < 0.99, at + ": " + feature[0]);
        assertRelative(feature[0], gram[0], "cka, " + at);
        assertRelative(feature[1], gram[1], "cka_debiased, " + at);
        assertRelative(CkaReference.cka(d[0], d[1]), gram[0], "cka against the oracle, " + at);
      }
    }
  }

  /** A one-off chunk of rows for {@link LinearCka#update}, NULL rows where asked. */
  private record Chunk(VectorColumn x, VectorColumn y, int size) implements VectorChunk {
    static Chunk of(float[][] x, float[][] y, int from, int to, boolean nullEvery7th) {
      int n = to - from;
      VectorColumn cx = new VectorColumn();
      VectorColumn cy = new VectorColumn();
      float[] vx = cx.reset(n, n * DX);
      float[] vy = cy.reset(n, n * DY);
      for (int i = 0; i < n; i++) {
        System.arraycopy(x[from + i], 0, vx, i * DX, DX);
        System.arraycopy(y[from + i], 0, vy, i * DY, DY);
        if (nullEvery7th && i % 7 == 3) continue;
        cx.setRow(i, i * DX, DX);
        cy.setRow(i, i * DY, DY);
      }
      return new Chunk(cx, cy, n);
    }

    @Override
    public int columnCount() {
      return 2;
    }

    @Override
    public VectorColumn vectors(int column, String argumentName) {
      return column == 0 ? x : y;
    }
  }

  private static LinearCka.State fed(LinearCka f, float[][] x, float[][] y, int from, int to) {
    LinearCka.State s = f.newState();
    int[] all = new int[to - from];
    for (int i = 0; i < all.length; i++) all[i] = i;
    if (to > from) f.update(s, Chunk.of(x, y, from, to, false), all, all.length);
    return s;
  }

  @Test
  void combiningRowsAndMomentsInEitherOrderGivesTheOracle() {
    LinearCka biased = new LinearCka(LinearCka.Estimator.BIASED);
    LinearCka debiased = new LinearCka(LinearCka.Estimator.DEBIASED);
    int n = 2 * DZ + 10;
    float[][][] d = data(11, n, 0.5);
    double want = CkaReference.cka(d[0], d[1]);
    double wantDebiased = CkaReference.ckaDebiased(d[0], d[1]);
    // Splits where each side is rows (<= DZ) or moments (> DZ), and totals on both sides of DZ.
    int[][] cases = {{10, 20}, {DZ, 1}, {30, 40}, {DZ - 5, DZ + 10}, {DZ + 10, DZ - 5}, {n - 3, 3}};
    for (int[] split : cases) {
      int a = split[0];
      int total = split[0] + split[1];
      float[][] x = Arrays.copyOf(d[0], total);
      float[][] y = Arrays.copyOf(d[1], total);
      double w = CkaReference.cka(x, y);
      double wd = CkaReference.ckaDebiased(x, y);
      for (boolean intoFirst : new boolean[] {true, false}) {
        for (LinearCka f : new LinearCka[] {biased, debiased}) {
          LinearCka.State first = fed(f, x, y, 0, a);
          LinearCka.State second = fed(f, x, y, a, total);
          assertEquals(a <= DZ, first.wide != null, "rows kept while n <= dx + dy");
          LinearCka.State target = intoFirst ? first : second;
          f.combine(intoFirst ? second : first, target);
          assertEquals(total <= DZ, target.wide != null, "form after combine, " + total + " rows");
          Double got = f.compute(target);
          assertNotNull(got);
          String at = f.name() + " " + a + " + " + (total - a) + (intoFirst ? "" : " (reversed)");
          assertRelative(f == biased ? w : wd, got, at);
        }
      }
    }
    // The whole set through one state, with NULL rows skipped (the oracle sees the others).
    LinearCka.State s = biased.newState();
    int[] all = new int[n];
    for (int i = 0; i < n; i++) all[i] = i;
    biased.update(s, Chunk.of(d[0], d[1], 0, n, true), all, n);
    int kept = 0;
    for (int i = 0; i < n; i++) if (i % 7 != 3) kept++;
    float[][] xs = new float[kept][];
    float[][] ys = new float[kept][];
    for (int i = 0, k = 0; i < n; i++) {
      if (i % 7 == 3) continue;
      xs[k] = d[0][i];
      ys[k++] = d[1][i];
    }
    assertRelative(CkaReference.cka(xs, ys), biased.compute(s), "NULL rows skipped");
    assertTrue(want > 0 && wantDebiased != 0);
  }

  @Test
  void oneSourceCombinedIntoSeveralTargetsStaysItsOwn() {
    // An empty target takes the source's moments without a copy; either may then change (more
    // rows, another combine) without the other seeing it, as when a window's segment tree
    // combines one node into many frames.
    LinearCka f = new LinearCka(LinearCka.Estimator.BIASED);
    int n = 3 * DZ;
    float[][][] d = data(23, n, 2);
    int a = DZ + 20;
    LinearCka.State source = fed(f, d[0], d[1], 0, a);
    assertNotNull(source.moments, "more rows than dx + dy: moments");
    LinearCka.State grown = f.newState();
    LinearCka.State merged = f.newState();
    LinearCka.State untouched = f.newState();
    f.combine(source, grown);
    f.combine(source, merged);
    f.combine(source, untouched);
    int[] all = new int[n - a];
    for (int i = 0; i < all.length; i++) all[i] = i;
    f.update(grown, Chunk.of(d[0], d[1], a, n, false), all, all.length);
    f.combine(fed(f, d[0], d[1], a, n), merged);
    f.update(source, Chunk.of(d[0], d[1], a, a + 5, false), all, 5);

    double whole = CkaReference.cka(d[0], d[1]);
    double part = CkaReference.cka(Arrays.copyOf(d[0], a), Arrays.copyOf(d[1], a));
    double partAndFive = CkaReference.cka(Arrays.copyOf(d[0], a + 5), Arrays.copyOf(d[1], a + 5));
    assertTrue(Math.abs(whole - part) > 1e-6, "the cases must differ to tell them apart");
    assertRelative(whole, f.compute(grown), "target updated after the combine");
    assertRelative(whole, f.compute(merged), "target combined again");
    assertRelative(part, f.compute(untouched), "target left alone");
    assertRelative(partAndFive, f.compute(source), "source updated after the combine");
  }

  @Test
  void throughSqlEachGroupSizeAroundTheSwitchEqualsTheOracle() throws SQLException {
    int[] sizes = {1, 2, 3, DZ - 1, DZ, DZ + 1, 3 * DZ};
    int n = 0;
    for (int s : sizes) n += s;
    float[][][] d = data(5, n, 100);
    int[] group = new int[n];
    for (int g = 0, i = 0; g < sizes.length; g++) {
      for (int k = 0; k < sizes[g]; k++) group[i++] = g;
    }
    try (Connection c = TestDb.open()) {
      TestDb.createTable(c, "t", d[0], d[1], group, false);
      for (int threads : new int[] {1, 4}) {
        TestDb.exec(c, "SET threads = " + threads);
        try (Statement st = c.createStatement();
            ResultSet rs =
                st.executeQuery(
                    "SELECT g, cka(x, y), cka_debiased(x, y) FROM t GROUP BY g ORDER BY g")) {
          int from = 0;
          for (int g = 0; g < sizes.length; g++) {
            assertTrue(rs.next());
            assertEquals(g, rs.getInt(1));
            float[][] x = Arrays.copyOfRange(d[0], from, from + sizes[g]);
            float[][] y = Arrays.copyOfRange(d[1], from, from + sizes[g]);
            from += sizes[g];
            String at = sizes[g] + " rows, " + threads + " threads";
            Object biased = rs.getObject(2);
            Object debiased = rs.getObject(3);
            if (sizes[g] < 2) assertNull(biased, "cka of one row is NULL");
            else assertRelative(CkaReference.cka(x, y), (Double) biased, "cka, " + at);
            if (sizes[g] < 4) assertNull(debiased, "cka_debiased of under 4 rows is NULL");
            else {
              assertRelative(
                  CkaReference.ckaDebiased(x, y), (Double) debiased, "cka_debiased, " + at);
            }
          }
        }
      }
      // A constant representation is NULL in the Gram form too, and NaN an error naming the place.
      TestDb.exec(c, "CREATE TABLE k AS SELECT g, x, [1.5::FLOAT, 2, 3]::FLOAT[3] AS y FROM t");
      assertNull(TestDb.scalar(c, "SELECT cka(x, y) FROM k WHERE g = 3"));
      SQLException e =
          assertThrows(
              SQLException.class,
              () ->
                  TestDb.scalar(
                      c,
                      "SELECT cka(x, CASE WHEN i = 10 THEN list_transform(y::FLOAT[], lambda v:"
                          + " 'nan'::FLOAT) ELSE y::FLOAT[] END) FROM t WHERE g = 3"));
      assertTrue(e.getMessage().contains("y contains NaN"), e.getMessage());
    }
  }
}

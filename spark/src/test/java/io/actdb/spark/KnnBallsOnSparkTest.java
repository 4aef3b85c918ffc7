package io.actdb.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.ActdbFunctions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SparkGeometry.ipr} and {@code prdc} on {@code local[2]}: the same answers as DuckDB's
 * aggregates on the same rows (read by DuckDB from the Parquet files Spark wrote), whatever the
 * partitioning, row order and block size; the same answers as a plain brute-force twin; and the
 * aggregates' rules for NULL, too few rows and bad input.
 */
class KnnBallsOnSparkTest {
  @TempDir Path dir;

  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType)
          .add("vec", DataTypes.createArrayType(DataTypes.FloatType), true)
          .add("is_ref", DataTypes.BooleanType);

  /** A row of the test data: vector (null allowed) and set. */
  record Point(float[] vec, boolean reference) {}

  /**
   * Two overlapping clouds of coarse values (multiples of 1/8 about an offset of 1000), so that
   * distances tie, and duplicated rows within and across the sets, so that radii of 0 occur.
   */
  static List<Point> cloud(long seed, int nReference, int nEvaluation, int dim) {
    Random random = new Random(seed);
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < nReference + nEvaluation; i++) {
      boolean reference = i < nReference;
      float[] v = new float[dim];
      for (int c = 0; c < dim; c++) {
        double x = random.nextGaussian() * 2 + (reference ? 0 : 0.7) + 1000;
        v[c] = (float) (Math.round(x * 8) / 8.0);
      }
      points.add(new Point(v, reference));
    }
    for (int i = 0; i < nReference / 10; i++) {
      Point p = points.get(random.nextInt(points.size()));
      points.add(new Point(p.vec().clone(), i % 2 == 0 ? p.reference() : !p.reference()));
    }
    Collections.shuffle(points, random);
    return points;
  }

  private static Dataset<Row> frame(List<Point> points, boolean reference, int partitions) {
    List<Row> rows = new ArrayList<>();
    long id = 0;
    for (Point p : points) {
      id++;
      if (p.reference() != reference) continue;
      List<Float> vec = null;
      if (p.vec() != null) {
        vec = new ArrayList<>();
        for (float f : p.vec()) vec.add(f);
      }
      rows.add(RowFactory.create(id, vec, reference));
    }
    SparkSession spark = LocalSpark.get();
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  /** DuckDB's {@code ipr} or {@code prdc} struct of the same rows, read from Spark's Parquet. */
  private double[] duckdb(List<Point> points, String call, int fields) throws Exception {
    Path parquet = dir.resolve("points-" + Math.abs(call.hashCode()) + "-" + System.nanoTime());
    frame(points, true, 3).union(frame(points, false, 2)).write().parquet(parquet.toString());
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      ActdbFunctions.register(c);
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT unnest(" + call + ") FROM read_parquet('" + parquet + "/*.parquet')")) {
        assertTrue(rs.next());
        double[] out = new double[fields];
        for (int i = 0; i < fields; i++) {
          Object value = rs.getObject(i + 1);
          out[i] = value == null ? Double.NaN : ((Number) value).doubleValue();
        }
        return out;
      }
    }
  }

  private static void assertClose(double expected, Double actual, String what) {
    if (Double.isNaN(expected)) {
      assertNull(actual, what);
      return;
    }
    assertTrue(actual != null, what + " is null, DuckDB says " + expected);
    assertEquals(expected, actual, 1e-9 * Math.abs(expected), what);
  }

  @Test
  void iprIsDuckDbsForAnyBlockSizeAndPartitioning() throws Exception {
    List<Point> points = cloud(1, 450, 380, 6);
    for (int k : new int[] {1, 4}) {
      double[] expected = duckdb(points, "ipr(vec, is_ref, " + k + ")", 4);
      for (int blockRows : new int[] {97, 0}) {
        IprResult r =
            SparkGeometry.ipr(frame(points, true, 4), frame(points, false, 3), "vec", k, blockRows);
        String what = "k = " + k + ", block rows " + blockRows;
        assertClose(expected[0], r.precision(), "precision, " + what);
        assertClose(expected[1], r.recall(), "recall, " + what);
        assertEquals((long) expected[2], r.nReference(), what);
        assertEquals((long) expected[3], r.nEvaluation(), what);
      }
    }
  }

  @Test
  void prdcIsDuckDbsForAnyBlockSizeAndPartitioning() throws Exception {
    List<Point> points = cloud(2, 420, 400, 9);
    double[] expected = duckdb(points, "prdc(vec, is_ref)", 6);
    int k = 5;
    // blocks of 53 rows: none is a multiple of the kernels' tiles, the last one short
    PrdcResult r =
        SparkGeometry.prdc(frame(points, true, 5), frame(points, false, 2), "vec", k, 53);
    assertClose(expected[0], r.precision(), "precision");
    assertClose(expected[1], r.recall(), "recall");
    assertClose(expected[2], r.density(), "density");
    assertClose(expected[3], r.coverage(), "coverage");
    assertEquals((long) expected[4], r.nReference());
    assertEquals((long) expected[5], r.nEvaluation());
    // the default k is DuckDB's
    PrdcResult byDefault =
        SparkGeometry.prdc(frame(points, true, 2), frame(points, false, 2), "vec");
    assertClose(expected[2], byDefault.density(), "density, default k");
  }

  @Test
  void theResultsAreThoseOfABruteForceTwin() {
    List<Point> points = cloud(3, 150, 130, 4);
    int k = 3;
    List<float[]> r = new ArrayList<>();
    List<float[]> e = new ArrayList<>();
    for (Point p : points) (p.reference() ? r : e).add(p.vec());
    double[] radiiR = radii(r, k);
    double[] radiiE = radii(e, k);
    long eInR = 0;
    long eInRStrict = 0;
    long balls = 0;
    for (float[] x : e) {
      boolean in = false;
      boolean inStrict = false;
      for (int j = 0; j < r.size(); j++) {
        double d = squared(x, r.get(j));
        in |= d <= radiiR[j];
        inStrict |= d < radiiR[j];
        if (d < radiiR[j]) balls++;
      }
      if (in) eInR++;
      if (inStrict) eInRStrict++;
    }
    long rInE = 0;
    long rInEStrict = 0;
    long covered = 0;
    for (int j = 0; j < r.size(); j++) {
      boolean in = false;
      boolean inStrict = false;
      boolean cov = false;
      for (int i = 0; i < e.size(); i++) {
        double d = squared(r.get(j), e.get(i));
        in |= d <= radiiE[i];
        inStrict |= d < radiiE[i];
        cov |= d < radiiR[j];
      }
      if (in) rInE++;
      if (inStrict) rInEStrict++;
      if (cov) covered++;
    }
    IprResult ipr =
        SparkGeometry.ipr(frame(points, true, 3), frame(points, false, 3), "vec", k, 40);
    assertEquals((double) eInR / e.size(), ipr.precision());
    assertEquals((double) rInE / r.size(), ipr.recall());
    PrdcResult prdc =
        SparkGeometry.prdc(frame(points, true, 3), frame(points, false, 3), "vec", k, 40);
    assertEquals((double) eInRStrict / e.size(), prdc.precision());
    assertEquals((double) rInEStrict / r.size(), prdc.recall());
    assertEquals((double) balls / ((double) k * e.size()), prdc.density());
    assertEquals((double) covered / r.size(), prdc.coverage());
    // the data is meant to exercise ties: it holds duplicated rows, within a set and across
    long distinct = points.stream().map(p -> Arrays.toString(p.vec())).distinct().count();
    assertTrue(distinct < points.size(), distinct + " distinct of " + points.size());
  }

  /** Squared k-NN radii by sorting every distance: the definition, nothing faster. */
  private static double[] radii(List<float[]> set, int k) {
    double[] out = new double[set.size()];
    for (int i = 0; i < set.size(); i++) {
      double[] d = new double[set.size() - 1];
      int n = 0;
      for (int j = 0; j < set.size(); j++) if (j != i) d[n++] = squared(set.get(i), set.get(j));
      Arrays.sort(d);
      out[i] = d[k - 1];
    }
    return out;
  }

  private static double squared(float[] a, float[] b) {
    double s = 0;
    for (int c = 0; c < a.length; c++) {
      double d = (double) a[c] - b[c];
      s += d * d;
    }
    return s;
  }

  @Test
  void nullVectorsAreSkippedAndTooFewRowsGiveNullAsInDuckDb() throws Exception {
    List<Point> points = new ArrayList<>(cloud(4, 3, 40, 5));
    points.add(new Point(null, true));
    points.add(new Point(null, false));
    // R has 3 rows: no R balls for k = 3 (precision NULL), E's balls still measured
    double[] expected = duckdb(points, "ipr(vec, is_ref, 3)", 4);
    assertTrue(Double.isNaN(expected[0]));
    IprResult r = SparkGeometry.ipr(frame(points, true, 2), frame(points, false, 2), "vec", 3, 16);
    assertNull(r.precision());
    assertClose(expected[1], r.recall(), "recall");
    assertEquals(3, r.nReference());
    assertEquals(40, r.nEvaluation());
    IprResult empty =
        SparkGeometry.ipr(frame(points, true, 2).limit(0), frame(points, false, 2), "vec", 3, 16);
    assertNull(empty.precision());
    assertNull(empty.recall());
    assertEquals(0, empty.nReference());
  }

  @Test
  void badInputFailsWithTheAggregatesMessages() {
    List<Point> points = new ArrayList<>(cloud(5, 30, 30, 4));
    Dataset<Row> r = frame(points, true, 2);
    Dataset<Row> e = frame(points, false, 2);
    ActdbSparkException k =
        assertThrows(ActdbSparkException.class, () -> SparkGeometry.ipr(r, e, "vec", 0));
    assertEquals("ipr: k must be between 1 and 1000000, got 0", k.getMessage());
    ActdbSparkException column =
        assertThrows(ActdbSparkException.class, () -> SparkGeometry.prdc(r, e, "emb", 5));
    assertTrue(
        column.getMessage().startsWith("prdc: the reference data has no column \"emb\""),
        column.getMessage());
    ActdbSparkException type =
        assertThrows(ActdbSparkException.class, () -> SparkGeometry.prdc(r, e, "id", 5));
    assertTrue(
        type.getMessage().contains("must be array<float> or array<double>"), type.getMessage());

    points.add(new Point(new float[] {1, Float.NaN, 2, 3}, false));
    ActdbSparkException nan =
        assertThrows(
            ActdbSparkException.class,
            () -> SparkGeometry.ipr(r, frame(points, false, 2), "vec", 3));
    assertTrue(nan.getMessage().startsWith("ipr: x contains NaN at element 2"), nan.getMessage());
    assertFalse(nan.getMessage().contains("Exception"), nan.getMessage());

    points.removeLast();
    points.add(new Point(new float[] {1, 2, 3}, false));
    ActdbSparkException dims =
        assertThrows(
            ActdbSparkException.class,
            () -> SparkGeometry.ipr(r, frame(points, false, 1), "vec", 3));
    assertTrue(dims.getMessage().startsWith("ipr: dimension mismatch"), dims.getMessage());
    // every row of E alike, but not like R's
    List<Point> threeD = new ArrayList<>(cloud(6, 5, 5, 3));
    ActdbSparkException mixed =
        assertThrows(
            ActdbSparkException.class,
            () -> SparkGeometry.ipr(r, frame(threeD, false, 1), "vec", 3));
    assertTrue(mixed.getMessage().startsWith("ipr: dimension mismatch"), mixed.getMessage());
  }
}

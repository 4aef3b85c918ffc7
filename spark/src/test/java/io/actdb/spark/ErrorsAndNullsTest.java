package io.actdb.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * NULL rows, too few rows, NaN and ±Inf, mismatched dimensions and bad extra arguments: the same
 * results and the same messages on Spark as on DuckDB, for the same rows written as SQL literals in
 * each engine's dialect.
 */
class ErrorsAndNullsTest {
  static SparkSession spark;
  static Connection duck;

  @BeforeAll
  static void open() throws SQLException {
    spark = LocalSpark.get();
    duck = Fixtures.duckdb();
  }

  @AfterAll
  static void close() throws SQLException {
    duck.close();
  }

  /** One row: group, x, y (null vectors allowed; Float.NaN etc. inside), a scalar argument. */
  record Line(int g, float[] x, float[] y, Object extra) {}

  /** Written as a NULL element of the vector literal (a NaN with another payload than Java's). */
  static final float NULL_ELEMENT = Float.intBitsToFloat(0x7fc00001);

  static float[] v(float... values) {
    return values;
  }

  private static String duckVector(float[] v) {
    if (v == null) return "NULL::FLOAT[]";
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      if (i > 0) b.append(", ");
      if (isNullElement(v[i])) b.append("NULL");
      else b.append(Float.isFinite(v[i]) ? Float.toString(v[i]) : "'" + duckSpecial(v[i]) + "'");
      b.append("::FLOAT");
    }
    return b.append("]::FLOAT[]").toString();
  }

  private static boolean isNullElement(float f) {
    return Float.floatToRawIntBits(f) == Float.floatToRawIntBits(NULL_ELEMENT);
  }

  private static String duckSpecial(float f) {
    return Float.isNaN(f) ? "NaN" : f > 0 ? "Infinity" : "-Infinity";
  }

  private static String sparkVector(float[] v) {
    if (v == null) return "CAST(NULL AS array<float>)";
    StringBuilder b = new StringBuilder("array(");
    for (int i = 0; i < v.length; i++) {
      if (i > 0) b.append(", ");
      if (isNullElement(v[i])) {
        b.append("CAST(NULL AS FLOAT)");
        continue;
      }
      b.append("CAST('").append(Float.isFinite(v[i]) ? Float.toString(v[i]) : duckSpecial(v[i]));
      b.append("' AS FLOAT)");
    }
    return b.append(")").toString();
  }

  private static String table(List<Line> lines, boolean duckDb) {
    List<String> rows = new ArrayList<>();
    for (Line l : lines) {
      String x = duckDb ? duckVector(l.x()) : sparkVector(l.x());
      String y = duckDb ? duckVector(l.y()) : sparkVector(l.y());
      String extra = l.extra() == null ? "NULL" : l.extra().toString();
      rows.add("(" + l.g() + ", " + x + ", " + y + ", " + extra + ")");
    }
    return "(VALUES " + String.join(", ", rows) + ") AS t(g, x, y, e)";
  }

  /** The per-group results of {@code call} on both engines, as plain values in group order. */
  private static List<List<Object>> both(String call, List<Line> lines) throws Exception {
    String duckSql = "SELECT g, " + call + " FROM " + table(lines, true) + " GROUP BY g ORDER BY g";
    List<Object> expected = new ArrayList<>();
    try (Statement st = duck.createStatement();
        ResultSet rs = st.executeQuery(duckSql)) {
      while (rs.next()) expected.add(Fixtures.plain(rs.getObject(2)));
    }
    List<Object> actual = new ArrayList<>();
    // Three partitions of the rows: partial states are serialized and merged.
    String sparkSql =
        "SELECT g, "
            + call
            + " FROM (SELECT /*+ REPARTITION(3) */ * FROM "
            + table(lines, false)
            + ") GROUP BY g ORDER BY g";
    for (Row r : spark.sql(sparkSql).collectAsList()) {
      actual.add(Fixtures.plain(r.get(1)));
    }
    return List.of(expected, actual);
  }

  /** DuckDB's message for {@code call} on {@code lines}, without its error-type prefix. */
  private static String duckDbMessage(String call, List<Line> lines) {
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> {
              try (Statement st = duck.createStatement()) {
                st.executeQuery("SELECT g, " + call + " FROM " + table(lines, true) + " GROUP BY g")
                    .close();
              }
            });
    String m = e.getMessage().lines().findFirst().orElseThrow();
    return m.substring(m.indexOf(call.substring(0, call.indexOf('(')) + ":"));
  }

  private static String sparkMessage(String call, List<Line> lines) {
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                spark
                    .sql("SELECT g, " + call + " FROM " + table(lines, false) + " GROUP BY g")
                    .collectAsList());
    return e.getMessage();
  }

  private static void sameError(String call, List<Line> lines, String problem) {
    String expected = duckDbMessage(call, lines);
    assertTrue(expected.contains(problem), "DuckDB names the problem: " + expected);
    String actual = sparkMessage(call, lines);
    assertTrue(
        actual.contains(expected), "Spark says what DuckDB says:\n" + expected + "\n" + actual);
  }

  @Test
  void nullRowsAreSkippedAndTooFewRowsGiveNull() throws Exception {
    List<Line> lines =
        List.of(
            new Line(1, v(1, 2), v(3, 1), null),
            new Line(1, null, v(5, 1), null),
            new Line(1, v(2, 2), null, null),
            new Line(1, v(4, 3), v(1, 2), null),
            new Line(1, v(0, 5), v(2, 2), null),
            new Line(1, v(2, 7), v(4, 1), null),
            new Line(1, v(6, 1), v(3, 5), null),
            new Line(1, v(5, 4), v(0, 3), null),
            new Line(2, v(1, 2), v(1, 2), null),
            new Line(3, null, null, null),
            new Line(4, v(1, 1), v(2, 7), null),
            new Line(4, v(1, 1), v(3, 6), null));
    for (String call : List.of("cka(x, y)", "cka_debiased(x, y)", "cca(x, y)", "linreg_r2(x, y)")) {
      List<List<Object>> r = both(call, lines);
      assertEquals(4, r.get(0).size());
      assertEquals(r.get(0).size(), r.get(1).size());
      for (int i = 0; i < r.get(0).size(); i++) {
        assertEquals(null, Fixtures.difference(r.get(0).get(i), r.get(1).get(i), call + " " + i));
      }
      // Groups 2 (one row), 3 (no row) and 4 (x constant) have no value on either engine.
      assertEquals(null, r.get(1).get(1));
      assertEquals(null, r.get(1).get(2));
      assertEquals(null, r.get(1).get(3));
    }
  }

  @Test
  void nonFiniteValuesFailWithDuckDbsMessage() {
    List<Line> nan =
        List.of(new Line(1, v(1, 2), v(1, 0), null), new Line(1, v(3, Float.NaN), v(2, 1), null));
    sameError("cka(x, y)", nan, "x contains NaN at element 2");
    List<Line> inf =
        List.of(
            new Line(1, v(1, 2), v(1, 0), null),
            new Line(1, v(3, 1), v(2, Float.NEGATIVE_INFINITY), null));
    sameError("pwcca(x, y)", inf, "y contains -Inf at element 2");
  }

  @Test
  void nullElementFailsWithDuckDbsMessageOnceTheColumnIsChecked() throws Exception {
    List<Line> lines =
        List.of(
            new Line(1, v(1, 2), v(1, 0), null), new Line(1, v(3, 1), v(2, NULL_ELEMENT), null));
    String expected = duckDbMessage("cka(x, y)", lines);
    assertTrue(expected.startsWith("cka: y has a NULL element (position 2) in a non-NULL vector"));
    SparkVectors.asFloatVectors(spark.sql("SELECT * FROM " + table(lines, false)), "x", "y")
        .createOrReplaceTempView("checked");
    Exception e =
        assertThrows(
            Exception.class,
            () -> spark.sql("SELECT g, cka(x, y) FROM checked GROUP BY g").collectAsList());
    // The check runs before the function: the same words, without the function's name.
    assertTrue(
        e.getMessage().contains(expected.substring("cka: ".length())),
        "Spark says what DuckDB says:\n" + expected + "\n" + e.getMessage());
  }

  @Test
  void aColumnThatIsNoVectorIsRefusedByName() {
    ActdbSparkException e =
        assertThrows(
            ActdbSparkException.class,
            () -> SparkVectors.asFloatVectors(spark.sql("SELECT 1 AS g, 'a' AS x"), "x"));
    assertEquals(
        "column x is string, not a vector: the actdb functions take arrays of numbers"
            + " (array<float>); convert an ML vector column with vector_to_array first",
        e.getMessage());
    e =
        assertThrows(
            ActdbSparkException.class,
            () -> SparkVectors.asFloatVectors(spark.sql("SELECT 1 AS g"), "vec"));
    assertEquals("no column vec in the dataset; its columns are [g]", e.getMessage());
  }

  @Test
  void mismatchedDimensionsFailWithDuckDbsMessage() {
    List<Line> lines =
        List.of(new Line(1, v(1, 2, 3), v(1, 0), null), new Line(1, v(1, 2, 3), v(2, 1, 4), null));
    sameError("cka_debiased(x, y)", lines, "dimension mismatch: y has 3 elements in one row but 2");
  }

  @Test
  void badExtraArgumentsFailWithDuckDbsMessage() {
    List<Line> keep =
        List.of(new Line(1, v(1, 2), v(1, 0), 1.5), new Line(1, v(3, 1), v(2, 1), 1.5));
    sameError("svcca(x, y, e)", keep, "keep is the share of variance to keep, in (0, 1]");
    List<Line> k = List.of(new Line(1, v(1, 2), v(1, 0), 3), new Line(1, v(3, 1), v(2, 1), 3));
    sameError("pca(x, e)", k, "k = 3 exceeds the dimension of x (2)");
    List<Line> nullK =
        List.of(new Line(1, v(1, 2), v(1, 0), null), new Line(1, v(3, 1), v(2, 1), null));
    sameError("pca(x, e)", nullK, "k is NULL; give the number of components");
  }

  @Test
  void pcaAndSvccaWithArgumentsEqualDuckDb() throws Exception {
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      float a = (float) Math.sin(i * 0.7);
      float b = (float) Math.cos(i * 1.3);
      lines.add(new Line(i % 2, v(a, b, a * b, i % 5), v(b, a + 0.1f * (i % 3)), 2));
    }
    for (String call : List.of("pca(x, e)", "svcca(x, y, 0.5 * e - 0.2)")) {
      List<List<Object>> r = both(call, lines);
      assertEquals(2, r.get(1).size());
      for (int i = 0; i < 2; i++) {
        assertEquals(null, Fixtures.difference(r.get(0).get(i), r.get(1).get(i), call + " " + i));
        assertTrue(r.get(1).get(i) != null, call + " has a value");
      }
    }
  }
}

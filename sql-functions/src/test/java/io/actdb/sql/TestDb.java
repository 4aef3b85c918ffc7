package io.actdb.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.duckdb.DuckDBConnection;

/** Test helpers: an in-memory DuckDB with actdb's functions, and tables of float vectors. */
public final class TestDb {
  private TestDb() {}

  public static Connection open() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:duckdb:");
    ActdbFunctions.register(c);
    return c;
  }

  public static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** Every row of a query, each as its columns' JDBC objects. */
  public static List<List<Object>> rows(Connection c, String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) row.add(rs.getObject(i));
        out.add(row);
      }
    }
    return out;
  }

  /** The single value of a one-row, one-column query; null for SQL NULL. */
  public static Double scalar(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      if (!rs.next()) throw new AssertionError("no row from " + sql);
      Object v = rs.getObject(1);
      return v == null ? null : ((Number) v).doubleValue();
    }
  }

  /**
   * Creates {@code table(i BIGINT, g BIGINT, x FLOAT[dx], y FLOAT[dy])} with row i holding x[i],
   * y[i] and group {@code group[i]} (or 0 when {@code group} is null). With {@code asList} the
   * vectors are FLOAT[] lists instead of arrays.
   */
  public static void createTable(
      Connection c, String table, float[][] x, float[][] y, int[] group, boolean asList)
      throws SQLException {
    String xt = asList ? "FLOAT[]" : "FLOAT[" + x[0].length + "]";
    String yt = asList ? "FLOAT[]" : "FLOAT[" + y[0].length + "]";
    exec(
        c,
        "CREATE OR REPLACE TABLE " + table + " (i BIGINT, g BIGINT, x " + xt + ", y " + yt + ")");
    int batch = 500;
    for (int start = 0; start < x.length; start += batch) {
      StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
      for (int i = start; i < Math.min(x.length, start + batch); i++) {
        if (i > start) sql.append(',');
        sql.append('(').append(i).append(',').append(group == null ? 0 : group[i]).append(',');
        literal(sql, x[i]);
        sql.append(',');
        literal(sql, y[i]);
        sql.append(')');
      }
      exec(c, sql.toString());
    }
  }

  /**
   * Creates {@code table(i BIGINT, g BIGINT, ref BOOLEAN, x FLOAT[d])}: the rows of {@code r} (ref
   * true) then those of {@code e} (ref false), appended through DuckDB's Appender, with group
   * {@code group[i]} (0 when null) and {@code i} numbering r then e rows.
   */
  public static void createSets(Connection c, String table, float[][] r, float[][] e, int[] group)
      throws SQLException {
    int d = r.length > 0 ? r[0].length : e[0].length;
    exec(
        c,
        "CREATE OR REPLACE TABLE "
            + table
            + " (i BIGINT, g BIGINT, ref BOOLEAN, x FLOAT["
            + d
            + "])");
    try (var appender = c.unwrap(DuckDBConnection.class).createAppender(table)) {
      int i = 0;
      for (float[][] set : new float[][][] {r, e}) {
        for (float[] v : set) {
          appender
              .beginRow()
              .append((long) i)
              .append((long) (group == null ? 0 : group[i]))
              .append(set == r)
              .append(v)
              .endRow();
          i++;
        }
      }
    }
  }

  private static void literal(StringBuilder sql, float[] v) {
    if (v == null) {
      sql.append("NULL");
      return;
    }
    sql.append('[');
    for (int k = 0; k < v.length; k++) {
      if (k > 0) sql.append(',');
      // Float.toString round-trips; the ::FLOAT cast of the DOUBLE literal lands on the same float.
      sql.append(Float.toString(v[k])).append("::DOUBLE");
    }
    sql.append(']');
  }

  /** n × d Gaussian floats rounded to multiples of 1/1024, so x + 1000 and 1000·x stay exact. */
  public static float[][] gaussian(Random random, int n, int d) {
    float[][] m = new float[n][d];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) m[i][k] = Math.round(random.nextGaussian() * 1024) / 1024f;
    }
    return m;
  }

  /** x·A, rounded to float. */
  public static float[][] times(float[][] x, double[][] a) {
    int n = x.length;
    int d = x[0].length;
    int e = a[0].length;
    float[][] out = new float[n][e];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < e; j++) {
        double s = 0;
        for (int k = 0; k < d; k++) s += x[i][k] * a[k][j];
        out[i][j] = (float) s;
      }
    }
    return out;
  }

  /** Element-wise {@code scale·v + offset}, rounded to float. */
  public static float[][] affine(float[][] x, double scale, double offset) {
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = new float[x[i].length];
      for (int k = 0; k < x[i].length; k++) out[i][k] = (float) (scale * x[i][k] + offset);
    }
    return out;
  }

  /** A random d × d orthogonal matrix (Gram–Schmidt on Gaussian columns). */
  public static double[][] orthogonal(Random random, int d) {
    double[][] q = new double[d][d];
    for (int j = 0; j < d; j++) {
      double[] v = new double[d];
      for (int k = 0; k < d; k++) v[k] = random.nextGaussian();
      for (int p = 0; p < j; p++) {
        double dot = 0;
        for (int k = 0; k < d; k++) dot += v[k] * q[k][p];
        for (int k = 0; k < d; k++) v[k] -= dot * q[k][p];
      }
      double norm = 0;
      for (int k = 0; k < d; k++) norm += v[k] * v[k];
      norm = Math.sqrt(norm);
      for (int k = 0; k < d; k++) q[k][j] = v[k] / norm;
    }
    return q;
  }
}

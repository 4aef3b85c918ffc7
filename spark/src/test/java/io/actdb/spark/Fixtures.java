package io.actdb.spark;

import io.actdb.sql.ActdbFunctions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/** Test data written once as Parquet, read by Spark and by DuckDB (the oracle). */
final class Fixtures {
  private Fixtures() {}

  static final StructType PAIRS =
      new StructType()
          .add("id", DataTypes.LongType, false)
          .add("g", DataTypes.LongType, false)
          .add("x", DataTypes.createArrayType(DataTypes.FloatType, true), true)
          .add("y", DataTypes.createArrayType(DataTypes.FloatType, true), true);

  /**
   * Rows of many groups of varying size (1 to ~300 rows; some no larger than dx + dy, kept as rows
   * by cka; some with a large common offset), x and y linearly related plus noise, some NULL
   * vectors. Row order is shuffled.
   */
  static List<Row> pairs(int groups, int dx, int dy, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    long id = 0;
    for (int g = 0; g < groups; g++) {
      int n =
          switch (g % 6) {
            case 0 -> 1 + g % 4;
            case 1 -> dx + dy - 2;
            default -> 40 + random.nextInt(260);
          };
      float offset = g % 7 == 3 ? 1000f : 0f;
      float[][] mix = new float[dy][dx];
      for (float[] m : mix) for (int k = 0; k < dx; k++) m[k] = (float) random.nextGaussian();
      for (int i = 0; i < n; i++) {
        float[] x = new float[dx];
        for (int k = 0; k < dx; k++) x[k] = offset + (float) random.nextGaussian();
        float[] y = new float[dy];
        for (int j = 0; j < dy; j++) {
          double s = 0.3 * random.nextGaussian();
          for (int k = 0; k < dx; k++) s += mix[j][k] * (x[k] - offset) / dx;
          y[j] = (float) s;
        }
        boolean nullX = random.nextInt(50) == 0;
        boolean nullY = random.nextInt(50) == 0;
        rows.add(RowFactory.create(id++, (long) g, nullX ? null : x, nullY ? null : y));
      }
    }
    Collections.shuffle(rows, random);
    return rows;
  }

  /** Writes {@code rows} as a Parquet dataset of {@code files} files under {@code dir}. */
  static void writeParquet(
      SparkSession spark, List<Row> rows, StructType schema, int files, Path dir) {
    spark
        .createDataFrame(rows, schema)
        .repartition(files)
        .write()
        .mode("overwrite")
        .parquet(dir.toString());
  }

  private static String sharedPairs;

  /**
   * The pairs of {@link #pairs} (150 groups, dx = 9, dy = 5) as a Parquet dataset of 5 files,
   * written once per JVM and shared by the test classes; also the Spark view {@code pairs}.
   */
  static synchronized String pairsParquet() throws IOException {
    if (sharedPairs == null) {
      Path dir = Files.createTempDirectory("actdb-spark-pairs");
      String path = dir.resolve("pairs").toString();
      SparkSession spark = LocalSpark.get();
      writeParquet(spark, pairs(150, 9, 5, 42), PAIRS, 5, Path.of(path));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      sharedPairs = path;
    }
    LocalSpark.get().read().parquet(sharedPairs).createOrReplaceTempView("pairs");
    return sharedPairs;
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }

  static Connection duckdb() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:duckdb:");
    ActdbFunctions.register(c);
    return c;
  }

  /** The rows of a DuckDB query as lists of Java values, keyed by the first column. */
  static Map<Object, List<Object>> duckdbByKey(Connection c, String sql) throws SQLException {
    Map<Object, List<Object>> out = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<Object> values = new ArrayList<>();
        for (int i = 2; i <= md.getColumnCount(); i++) values.add(rs.getObject(i));
        out.put(rs.getObject(1), values);
      }
    }
    return out;
  }

  /** The rows of a Spark query keyed by the first column. */
  static Map<Object, Row> sparkByKey(Dataset<Row> result) {
    Map<Object, Row> out = new HashMap<>();
    for (Row r : result.collectAsList()) out.put(r.get(0), r);
    return out;
  }

  /**
   * A result value of either engine as plain Java: STRUCTs (DuckDB's {@code java.sql.Struct},
   * Spark's Row) and lists (JDBC arrays, Scala sequences) as Lists, numbers as Doubles.
   */
  static Object plain(Object v) throws SQLException {
    if (v == null) return null;
    List<Object> out = new ArrayList<>();
    if (v instanceof Struct s) {
      for (Object a : s.getAttributes()) out.add(plain(a));
    } else if (v instanceof Array a) {
      for (Object e : (Object[]) a.getArray()) out.add(plain(e));
    } else if (v instanceof Row r) {
      for (int i = 0; i < r.length(); i++) out.add(plain(r.get(i)));
    } else if (v instanceof scala.collection.Seq<?> seq) {
      for (Object e : CollectionConverters.asJava(seq)) out.add(plain(e));
    } else if (v instanceof Float f) {
      return new FloatValue(f);
    } else if (v instanceof Number n) {
      return n.doubleValue();
    } else {
      return v;
    }
    return out;
  }

  /** A FLOAT result: compared to float32 rounding, the precision it has in either engine. */
  record FloatValue(float value) {}

  /** Where {@code actual} differs from {@code expected} beyond 1e-9 relative; null if nowhere. */
  static String difference(Object expected, Object actual, String where) {
    if (expected == null || actual == null) {
      return expected == actual ? null : where + ": " + expected + " vs " + actual;
    }
    if (expected instanceof List<?> e && actual instanceof List<?> a) {
      if (e.size() != a.size()) return where + ": length " + e.size() + " vs " + a.size();
      for (int i = 0; i < e.size(); i++) {
        String d = difference(e.get(i), a.get(i), where + "[" + i + "]");
        if (d != null) return d;
      }
      return null;
    }
    if (expected instanceof FloatValue e && actual instanceof FloatValue a) {
      return Math.abs(e.value() - a.value()) <= Math.ulp(e.value()) + 1e-9 * Math.abs(e.value())
          ? null
          : where + ": " + e + " vs " + a;
    }
    if (expected instanceof Double e && actual instanceof Double a) {
      return close(e, a) ? null : where + ": " + e + " vs " + a;
    }
    return expected.equals(actual) ? null : where + ": " + expected + " vs " + actual;
  }

  /** Whether {@code actual} is within 1e-9 relative of {@code expected} (or both NULL). */
  static boolean close(Double expected, Double actual) {
    if (expected == null || actual == null) return expected == actual;
    double scale = Math.max(Math.abs(expected), 1e-12);
    return Math.abs(expected - actual) <= 1e-9 * scale;
  }
}

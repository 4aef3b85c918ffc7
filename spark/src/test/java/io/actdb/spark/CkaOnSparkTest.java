package io.actdb.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CkaOnSparkTest {
  @TempDir static Path dir;
  static SparkSession spark;
  static Connection duck;
  static String parquet;

  @BeforeAll
  static void data() throws Exception {
    spark = LocalSpark.get();
    parquet = dir.resolve("pairs").toString();
    Fixtures.writeParquet(
        spark, Fixtures.pairs(150, 9, 5, 42), Fixtures.PAIRS, 5, Path.of(parquet));
    spark.read().parquet(parquet).createOrReplaceTempView("pairs");
    duck = Fixtures.duckdb();
  }

  @AfterAll
  static void close() throws Exception {
    duck.close();
  }

  void sameAsDuckDb(String function) throws Exception {
    Map<Object, List<Object>> expected =
        Fixtures.duckdbByKey(
            duck,
            "SELECT g, "
                + function
                + "(x, y) FROM read_parquet('"
                + parquet
                + "/*.parquet') GROUP BY g");
    Map<Object, Row> actual =
        Fixtures.sparkByKey(
            spark.sql(
                "SELECT g, "
                    + function
                    + "(x, y) FROM (SELECT * FROM pairs DISTRIBUTE BY id % 7) GROUP BY g"));
    assertEquals(expected.keySet(), actual.keySet());
    int defined = 0;
    for (Object g : expected.keySet()) {
      Double e = (Double) expected.get(g).get(0);
      Double a = actual.get(g).isNullAt(1) ? null : actual.get(g).getDouble(1);
      assertTrue(Fixtures.close(e, a), function + " group " + g + ": DuckDB " + e + ", Spark " + a);
      if (e != null) defined++;
    }
    assertTrue(defined > 100, "most groups have a value: " + defined);
  }

  @Test
  void ckaEqualsDuckDbPerGroup() throws Exception {
    sameAsDuckDb("cka");
  }

  @Test
  void ckaDebiasedEqualsDuckDbPerGroup() throws Exception {
    sameAsDuckDb("cka_debiased");
  }
}

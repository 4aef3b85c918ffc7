package io.actdb.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every function on Spark gives DuckDB's result on the same Parquet data, group by group: 150
 * groups of 1 to 300 rows (some kept as rows, some with a large offset, NULL vectors here and
 * there), rows shuffled over several partitions so that partial states are serialized and merged.
 */
class SameAsDuckDbTest {
  static SparkSession spark;
  static Connection duck;
  static String parquet;

  @BeforeAll
  static void data() throws Exception {
    spark = LocalSpark.get();
    parquet = Fixtures.pairsParquet();
    duck = Fixtures.duckdb();
  }

  @AfterAll
  static void close() throws Exception {
    duck.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cka(x, y)",
        "cka_debiased(x, y)",
        "cca(x, y)",
        "svcca(x, y)",
        "svcca(x, y, 0.9)",
        "pwcca(x, y)",
        "linreg_r2(x, y)",
        "pca(x, 3)"
      })
  void equalsDuckDbPerGroup(String call) throws Exception {
    Map<Object, List<Object>> expected =
        Fixtures.duckdbByKey(
            duck,
            "SELECT g, "
                + call
                + ", count(*) FILTER (WHERE x IS NOT NULL AND y IS NOT NULL), count(x)"
                + " FROM read_parquet('"
                + parquet
                + "/*.parquet') GROUP BY g");
    Map<Object, Row> actual =
        Fixtures.sparkByKey(
            spark.sql(
                "SELECT g, "
                    + call
                    + " FROM (SELECT * FROM pairs DISTRIBUTE BY id % 7) GROUP BY g"));
    assertEquals(expected.keySet(), actual.keySet());
    int defined = 0;
    for (Object g : expected.keySet()) {
      long rows = ((Number) expected.get(g).get(1)).longValue();
      // With no more rows than dx + dy = 14, x's and y's spans meet in the sample space, so some
      // canonical correlations are 1 with directions that are not unique: pwcca's weights on them
      // are then decided by rounding, on any engine and for any row order.
      if (call.startsWith("pwcca") && rows <= 14) continue;
      // Likewise, with n <= k rows the covariance has a zero eigenvalue among the top k, whose
      // eigenvector is any direction of its null space.
      if (call.startsWith("pca") && ((Number) expected.get(g).get(2)).longValue() <= 3) continue;
      Object e = Fixtures.plain(expected.get(g).get(0));
      Object a = Fixtures.plain(actual.get(g).get(1));
      assertNull(Fixtures.difference(e, a, call + " group " + g));
      if (e != null) defined++;
    }
    assertTrue(defined >= 90, "most groups have a value: " + defined);
  }
}

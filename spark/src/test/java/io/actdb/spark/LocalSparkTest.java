package io.actdb.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class LocalSparkTest {
  @Test
  void localSessionRunsAQueryOnTwoCores() {
    SparkSession spark = LocalSpark.get();
    assertEquals("local[2]", spark.sparkContext().master());
    long sum = spark.range(0, 1000, 1, 4).selectExpr("sum(id * id)").first().getLong(0);
    assertEquals(999L * 1000 * 1999 / 6, sum);
  }
}

package io.actdb.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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

  @Test
  void executorsRunTheSimdKernels() {
    // The build passes --add-modules jdk.incubator.vector, so the Vector API kernels run.
    List<String> kernels = ActdbSpark.executorKernels(LocalSpark.get());
    assertEquals(1, kernels.size(), kernels.toString());
    assertTrue(kernels.get(0).startsWith("panama "), kernels.toString());
  }

  @Test
  void theFunctionsAreRegistered() {
    SparkSession spark = LocalSpark.get();
    for (String name : ActdbSpark.functionNames()) {
      assertTrue(spark.catalog().functionExists(name), name);
    }
    assertEquals(
        List.of("cka", "cka_debiased", "cca", "svcca", "pwcca", "linreg_r2", "pca"),
        ActdbSpark.functionNames());
  }
}

package io.actdb.spark;

import io.actdb.sql.geometry.Ipr;
import io.actdb.sql.geometry.Prdc;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Public entry point: registers the actdb aggregates as Spark SQL functions. */
public final class ActdbSpark {
  private ActdbSpark() {}

  /** Registers the actdb aggregates in {@code spark}'s function registry. */
  public static void register(SparkSession spark) {}

  /**
   * {@code ipr} of DuckDB on Spark: Improved Precision and Recall of {@code evaluation} (E, e.g.
   * generated samples) against {@code reference} (R, real samples), over their vector column {@code
   * vectorColumn} ({@code array<float>} or {@code array<double>}), with k-NN balls of {@code k}
   * neighbours. Not a SQL aggregate: the k-NN radii and the cross pass are a blocked self- and
   * cross-join of the two sets, one block pair per task (block rows: the Spark setting {@code
   * spark.actdb.knn.blockRows}, by default 16 MiB of vectors, at least 192 rows). The result is
   * DuckDB's to the bit on the same rows. NULL vectors are skipped; NaN, ±Inf, empty vectors or
   * mixed dimensions fail with a {@link io.actdb.sql.spi.SqlFunctionException} naming the problem.
   */
  public static IprResult ipr(
      Dataset<Row> reference, Dataset<Row> evaluation, String vectorColumn, int k) {
    return ipr(reference, evaluation, vectorColumn, k, 0);
  }

  /** {@link #ipr(Dataset, Dataset, String, int)} with DuckDB's default k = 3. */
  public static IprResult ipr(
      Dataset<Row> reference, Dataset<Row> evaluation, String vectorColumn) {
    return ipr(reference, evaluation, vectorColumn, Ipr.DEFAULT_K);
  }

  static IprResult ipr(
      Dataset<Row> reference, Dataset<Row> evaluation, String vectorColumn, int k, int blockRows) {
    var t = KnnBallsOnSpark.totals("ipr", reference, evaluation, vectorColumn, k, false, blockRows);
    return new IprResult(t.precision(k), t.recall(k), t.nReference(), t.nEvaluation());
  }

  /**
   * {@code prdc} of DuckDB on Spark: precision, recall, density and coverage (Naeem et al. 2020),
   * computed as {@link #ipr(Dataset, Dataset, String, int)} is, with PRDC's strict comparisons.
   */
  public static PrdcResult prdc(
      Dataset<Row> reference, Dataset<Row> evaluation, String vectorColumn, int k) {
    return prdc(reference, evaluation, vectorColumn, k, 0);
  }

  /** {@link #prdc(Dataset, Dataset, String, int)} with DuckDB's default k = 5. */
  public static PrdcResult prdc(
      Dataset<Row> reference, Dataset<Row> evaluation, String vectorColumn) {
    return prdc(reference, evaluation, vectorColumn, Prdc.DEFAULT_K);
  }

  static PrdcResult prdc(
      Dataset<Row> reference, Dataset<Row> evaluation, String vectorColumn, int k, int blockRows) {
    var t = KnnBallsOnSpark.totals("prdc", reference, evaluation, vectorColumn, k, true, blockRows);
    return new PrdcResult(
        t.precision(k), t.recall(k), t.density(k), t.coverage(k), t.nReference(), t.nEvaluation());
  }
}

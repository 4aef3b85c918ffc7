package io.actdb.spark;

import io.actdb.sql.geometry.BlockedKnnBalls;
import io.actdb.sql.geometry.Ipr;
import io.actdb.sql.geometry.Prdc;
import java.util.function.BiFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * DuckDB's {@code ipr} and {@code prdc} on Spark. Not SQL aggregates: all pairs of points are
 * compared, which an aggregate's state cannot do in pieces, so each is a method over two datasets
 * that runs the k-NN radii and the cross pass as a blocked self- and cross-join of the two sets,
 * one block pair per task (rows per block: the Spark setting {@code spark.actdb.knn.blockRows}, by
 * default 16 MiB of vectors and at least 192 rows). The vectors are a column of {@code
 * array<float>} or {@code array<double>}; NULL vectors are skipped; NaN, ±Inf, empty vectors and
 * mixed dimensions fail with an {@link ActdbSparkException} worded as DuckDB words it. The results
 * are DuckDB's on the same rows, whatever the partitioning and row order. GeomCA on Spark comes
 * later.
 */
public final class SparkGeometry {
  private SparkGeometry() {}

  /**
   * What tells {@code ipr} and {@code prdc} apart: the name in messages, PRDC's strict comparisons
   * and counts, the default k and how the result is read off the totals.
   */
  private record Measure<R>(
      String name,
      boolean prdc,
      int defaultK,
      BiFunction<BlockedKnnBalls.Totals, Integer, R> read) {}

  private static final Measure<IprResult> IPR =
      new Measure<>(
          "ipr",
          false,
          Ipr.DEFAULT_K,
          (t, k) -> new IprResult(t.precision(k), t.recall(k), t.nReference(), t.nEvaluation()));

  private static final Measure<PrdcResult> PRDC =
      new Measure<>(
          "prdc",
          true,
          Prdc.DEFAULT_K,
          (t, k) ->
              new PrdcResult(
                  t.precision(k),
                  t.recall(k),
                  t.density(k),
                  t.coverage(k),
                  t.nReference(),
                  t.nEvaluation()));

  /**
   * Improved Precision and Recall of {@code evaluation} (E, e.g. generated samples) against {@code
   * reference} (R, real samples) with k-NN balls of {@code k} neighbours, as {@code ipr(x,
   * is_reference, k)} on DuckDB.
   */
  public static IprResult ipr(
      Dataset<Row> reference, Dataset<Row> evaluation, String vectorColumn, int k) {
    return measure(IPR, reference, evaluation, vectorColumn, k, 0);
  }

  /** {@link #ipr(Dataset, Dataset, String, int)} with DuckDB's default k = 3. */
  public static IprResult ipr(
      Dataset<Row> reference, Dataset<Row> evaluation, String vectorColumn) {
    return measure(IPR, reference, evaluation, vectorColumn, IPR.defaultK(), 0);
  }

  /** {@link #ipr(Dataset, Dataset, String, int)} with {@code blockRows} rows per block. */
  static IprResult ipr(
      Dataset<Row> reference, Dataset<Row> evaluation, String vectorColumn, int k, int blockRows) {
    return measure(IPR, reference, evaluation, vectorColumn, k, blockRows);
  }

  /**
   * Precision, recall, density and coverage (Naeem et al. 2020) of {@code evaluation} against
   * {@code reference}, as {@code prdc(x, is_reference, k)} on DuckDB: the balls of {@link #ipr},
   * with strict comparisons.
   */
  public static PrdcResult prdc(
      Dataset<Row> reference, Dataset<Row> evaluation, String vectorColumn, int k) {
    return measure(PRDC, reference, evaluation, vectorColumn, k, 0);
  }

  /** {@link #prdc(Dataset, Dataset, String, int)} with DuckDB's default k = 5. */
  public static PrdcResult prdc(
      Dataset<Row> reference, Dataset<Row> evaluation, String vectorColumn) {
    return measure(PRDC, reference, evaluation, vectorColumn, PRDC.defaultK(), 0);
  }

  /** {@link #prdc(Dataset, Dataset, String, int)} with {@code blockRows} rows per block. */
  static PrdcResult prdc(
      Dataset<Row> reference, Dataset<Row> evaluation, String vectorColumn, int k, int blockRows) {
    return measure(PRDC, reference, evaluation, vectorColumn, k, blockRows);
  }

  /** The one entry of both: the blocked k-NN passes, then the measure's reading of the totals. */
  private static <R> R measure(
      Measure<R> measure,
      Dataset<Row> reference,
      Dataset<Row> evaluation,
      String vectorColumn,
      int k,
      int blockRows) {
    BlockedKnnBalls.Totals totals =
        KnnBallsOnSpark.totals(
            measure.name(), reference, evaluation, vectorColumn, k, measure.prdc(), blockRows);
    return measure.read().apply(totals, k);
  }
}

package io.actdb.spark;

import io.actdb.sql.geometry.BlockedKnnBalls;
import io.actdb.sql.input.PowerOfTwoScale;
import io.actdb.sql.input.RowBlock;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.VectorColumn;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@code ipr} and {@code prdc} over two Spark datasets as a blocked self- and cross-join: each set
 * is cut into blocks of rows (one block per RDD partition), every task gets one block pair and runs
 * the steps of {@link BlockedKnnBalls} on it with the SIMD distance kernels, and only per-point
 * k-NN distances, flags and counts travel between tasks. The answers are the DuckDB aggregates'
 * answers on the same rows, whatever the partitioning and row order: every decision is taken on the
 * same exact distances of the same rescaled rows.
 */
final class KnnBallsOnSpark {
  private KnnBallsOnSpark() {}

  /** Spark configuration key: rows per block (0 or absent: chosen from the dimension). */
  static final String BLOCK_ROWS_KEY = "spark.actdb.knn.blockRows";

  /** The bytes of one block's rows when the block size is chosen from the dimension. */
  private static final long BLOCK_BYTES = 16L << 20;

  private static final int MAX_K = 1_000_000;

  /** Rows per block for vectors of {@code dim} floats, when not given. */
  static int blockRowsFor(int dim) {
    return (int) Math.max(192, Math.min(16_384, BLOCK_BYTES / (4L * dim)));
  }

  /** One block of a set: {@code count} rows of {@code dim} floats, row-major, as read. */
  record VectorBlock(int count, int dim, float[] rows, float maxMagnitude) implements Serializable {
    /** The rows multiplied by {@code 2^exponent}, a copy. */
    float[] scaled(int exponent) {
      float[] copy = Arrays.copyOf(rows, count * dim);
      PowerOfTwoScale.apply(copy, (long) count * dim, exponent);
      return copy;
    }
  }

  /** A set as blocks, one per partition, keyed 0 .. blocks - 1, with what the driver needs. */
  record BlockedSet(JavaPairRDD<Integer, VectorBlock> blocks, long rows, int dim, float max) {}

  /** Per point of one block: inside the other set's manifold, covered (PRDC), balls (PRDC). */
  record PointFlags(boolean[] inside, boolean[] covered, long[] balls) implements Serializable {
    PointFlags or(PointFlags o) {
      boolean[] in = inside.clone();
      for (int i = 0; i < in.length; i++) in[i] |= o.inside[i];
      boolean[] cov = null;
      if (covered != null) {
        cov = covered.clone();
        for (int i = 0; i < cov.length; i++) cov[i] |= o.covered[i];
      }
      long[] sum = null;
      if (balls != null) {
        sum = balls.clone();
        for (int i = 0; i < sum.length; i++) sum[i] += o.balls[i];
      }
      return new PointFlags(in, cov, sum);
    }
  }

  /**
   * The totals of {@code function} ({@code ipr} or {@code prdc}, strict and counting when {@code
   * prdc}) of {@code reference} (R) against {@code evaluation} (E).
   *
   * @param blockRows rows per block, or 0 for {@link #BLOCK_ROWS_KEY} or the dimension's default
   */
  static BlockedKnnBalls.Totals totals(
      String function,
      Dataset<Row> reference,
      Dataset<Row> evaluation,
      String column,
      int k,
      boolean prdc,
      int blockRows) {
    if (k < 1 || k > MAX_K) {
      throw new ActdbSparkException(function + ": k must be between 1 and " + MAX_K + ", got " + k);
    }
    checkColumn(function, reference, column, "reference");
    checkColumn(function, evaluation, column, "evaluation");
    if (blockRows <= 0) {
      blockRows = Integer.parseInt(reference.sparkSession().conf().get(BLOCK_ROWS_KEY, "0"));
    }
    List<JavaPairRDD<?, ?>> cached = new ArrayList<>();
    try {
      BlockedSet r = blocks(function, reference, column, blockRows, cached);
      BlockedSet e = blocks(function, evaluation, column, blockRows, cached);
      if (r.dim() > 0 && e.dim() > 0)
        checked(function, () -> RowBlock.checkDim(r.dim(), e.dim(), "x"));
      int dim = Math.max(r.dim(), e.dim());
      int exponent = PowerOfTwoScale.exponentForMax(Math.max(r.max(), e.max()));
      boolean wantR = BlockedKnnBalls.Totals.referenceBallsWanted(r.rows(), e.rows(), k);
      boolean wantE = BlockedKnnBalls.Totals.evaluationBallsWanted(r.rows(), e.rows(), k);
      if (!wantR && !wantE) return new BlockedKnnBalls.Totals(r.rows(), e.rows(), 0, 0, 0, 0);
      JavaPairRDD<Integer, Tuple2<VectorBlock, double[]>> rWith = withRadii(r, wantR, k, exponent);
      JavaPairRDD<Integer, Tuple2<VectorBlock, double[]>> eWith = withRadii(e, wantE, k, exponent);
      long[] sums = cross(eWith, rWith, dim, exponent, prdc);
      return new BlockedKnnBalls.Totals(r.rows(), e.rows(), sums[0], sums[1], sums[2], sums[3]);
    } catch (Exception failure) {
      // Spark's own exception is checked, though no Java signature declares it.
      throw plainFailure(function, failure);
    } finally {
      for (JavaPairRDD<?, ?> rdd : cached) rdd.unpersist(false);
    }
  }

  private static void checkColumn(String function, Dataset<Row> data, String column, String which) {
    StructField field =
        Arrays.stream(data.schema().fields())
            .filter(f -> f.name().equals(column))
            .findFirst()
            .orElseThrow(
                () ->
                    new ActdbSparkException(
                        function
                            + ": the "
                            + which
                            + " data has no column \""
                            + column
                            + "\"; its columns are "
                            + String.join(", ", data.columns())));
    DataType type = field.dataType();
    if (!(type instanceof ArrayType array)
        || !(array.elementType().equals(DataTypes.FloatType)
            || array.elementType().equals(DataTypes.DoubleType))) {
      throw new ActdbSparkException(
          function
              + ": column \""
              + column
              + "\" of the "
              + which
              + " data is "
              + type.simpleString()
              + "; it must be array<float> or array<double>");
    }
  }

  /**
   * Cuts a dataset's vectors into blocks and spreads them one per partition. NULL vectors are
   * skipped, as the aggregates skip them; NaN, ±Inf, empty vectors and mixed dimensions fail with
   * the aggregates' messages.
   */
  private static BlockedSet blocks(
      String function,
      Dataset<Row> data,
      String column,
      int blockRows,
      List<JavaPairRDD<?, ?>> cached) {
    JavaPairRDD<Long, VectorBlock> read =
        data.select(column)
            .javaRDD()
            .mapPartitionsWithIndex(
                (partition, rows) -> readBlocks(function, partition, rows, blockRows), false)
            .mapToPair(t -> t)
            .persist(StorageLevel.MEMORY_AND_DISK_SER());
    cached.add(read);
    List<Tuple2<Long, long[]>> summaries =
        read.mapValues(b -> new long[] {b.count(), b.dim(), Float.floatToIntBits(b.maxMagnitude())})
            .collect();
    Map<Long, Integer> dense = new HashMap<>();
    long rows = 0;
    int dim = -1;
    float max = 0f;
    for (Tuple2<Long, long[]> s : summaries) {
      dense.put(s._1(), dense.size());
      rows += s._2()[0];
      int d = (int) s._2()[1];
      if (dim < 0) {
        dim = d;
      } else {
        int expected = dim;
        checked(function, () -> RowBlock.checkDim(expected, d, "x"));
      }
      max = Math.max(max, Float.intBitsToFloat((int) s._2()[2]));
    }
    int blocks = Math.max(1, dense.size());
    JavaPairRDD<Integer, VectorBlock> spread =
        read.mapToPair(t -> new Tuple2<>(dense.get(t._1()), t._2()))
            .partitionBy(new HashPartitioner(blocks))
            .persist(StorageLevel.MEMORY_AND_DISK_SER());
    cached.add(spread);
    return new BlockedSet(spread, rows, dim, max);
  }

  private static void checked(String function, Runnable check) {
    try {
      check.run();
    } catch (SqlFunctionException e) {
      throw new ActdbSparkException(function + ": " + e.getMessage());
    }
  }

  private static Iterator<Tuple2<Long, VectorBlock>> readBlocks(
      String function, int partition, Iterator<Row> rows, int blockRows) {
    List<Tuple2<Long, VectorBlock>> out = new ArrayList<>();
    VectorColumn pending = new VectorColumn();
    List<float[]> vectors = new ArrayList<>();
    int dim = -1;
    int perBlock = blockRows;
    try {
      while (rows.hasNext()) {
        Row row = rows.next();
        if (row.isNullAt(0)) continue;
        List<Object> list = row.getList(0);
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
          Object element = list.get(i);
          if (element == null) {
            throw new SqlFunctionException(
                "x holds NULL at element " + (i + 1) + "; remove or replace it first");
          }
          v[i] = ((Number) element).floatValue();
        }
        if (dim < 0) {
          RowBlock.checkNotEmpty(v.length, "x");
          dim = v.length;
          if (perBlock <= 0) perBlock = blockRowsFor(dim);
        } else {
          RowBlock.checkDim(dim, v.length, "x");
        }
        vectors.add(v);
        if (vectors.size() == perBlock) {
          out.add(block(partition, out.size(), vectors, dim, pending));
          vectors.clear();
        }
      }
      if (!vectors.isEmpty()) out.add(block(partition, out.size(), vectors, dim, pending));
    } catch (SqlFunctionException e) {
      throw new ActdbSparkException(function + ": " + e.getMessage());
    }
    return out.iterator();
  }

  /** One block of {@code vectors}, checked for NaN and ±Inf by the aggregates' own row copy. */
  private static Tuple2<Long, VectorBlock> block(
      int partition, int index, List<float[]> vectors, int dim, VectorColumn column) {
    int n = vectors.size();
    float[] values = column.reset(n, n * dim);
    for (int p = 0; p < n; p++) {
      System.arraycopy(vectors.get(p), 0, values, p * dim, dim);
      column.setRow(p, p * dim, dim);
    }
    float[] rows = new float[n * dim];
    float max = 0f;
    for (int p = 0; p < n; p++) RowBlock.copyFinite(column, p, rows, p * dim, "x");
    for (float v : rows) max = Math.max(max, Math.abs(v));
    long key = ((long) partition << 32) | index;
    return new Tuple2<>(key, new VectorBlock(n, dim, rows, max));
  }

  /**
   * Each block of a set with its points' squared k-NN radii within the set (null radii when not
   * wanted): the k smallest distances of every block pair, merged per point.
   */
  private static JavaPairRDD<Integer, Tuple2<VectorBlock, double[]>> withRadii(
      BlockedSet set, boolean wanted, int k, int exponent) {
    if (!wanted) return set.blocks().mapValues(b -> new Tuple2<>(b, (double[]) null));
    int dim = set.dim();
    JavaPairRDD<Integer, double[]> radii =
        set.blocks()
            .cartesian(set.blocks())
            .mapToPair(
                pair -> {
                  VectorBlock a = pair._1()._2();
                  VectorBlock b = pair._2()._2();
                  boolean same = pair._1()._1().equals(pair._2()._1());
                  float[] aRows = a.scaled(exponent);
                  float[] bRows = same ? aRows : b.scaled(exponent);
                  double[][] smallest =
                      TaskCores.call(
                          () ->
                              BlockedKnnBalls.kSmallestSquared(
                                  aRows, a.count(), bRows, b.count(), dim, k, same));
                  return new Tuple2<>(pair._1()._1(), smallest);
                })
            .reduceByKey(
                set.blocks().partitioner().get(),
                (x, y) -> {
                  double[][] merged = new double[x.length][];
                  for (int i = 0; i < x.length; i++) {
                    merged[i] = BlockedKnnBalls.mergeSmallest(x[i], y[i], k);
                  }
                  return merged;
                })
            .mapValues(
                smallest -> {
                  double[] r = new double[smallest.length];
                  for (int i = 0; i < r.length; i++) r[i] = smallest[i][k - 1];
                  return r;
                });
    return set.blocks().join(radii);
  }

  /**
   * The cross pass over every (E block, R block) pair; returns the sums E in R, R in E, balls
   * holding E points, R covered.
   */
  private static long[] cross(
      JavaPairRDD<Integer, Tuple2<VectorBlock, double[]>> e,
      JavaPairRDD<Integer, Tuple2<VectorBlock, double[]>> r,
      int dim,
      int exponent,
      boolean prdc) {
    // Keys of the merged flags: 2i for E block i, 2j + 1 for R block j.
    JavaPairRDD<Integer, PointFlags> flags =
        e.cartesian(r)
            .flatMapToPair(
                pair -> {
                  VectorBlock eb = pair._1()._2()._1();
                  VectorBlock rb = pair._2()._2()._1();
                  BlockedKnnBalls.CrossFlags f =
                      TaskCores.call(
                          () ->
                              BlockedKnnBalls.cross(
                                  eb.scaled(exponent),
                                  eb.count(),
                                  pair._1()._2()._2(),
                                  rb.scaled(exponent),
                                  rb.count(),
                                  pair._2()._2()._2(),
                                  dim,
                                  prdc));
                  return List.of(
                          new Tuple2<>(
                              2 * pair._1()._1(),
                              new PointFlags(
                                  f.evaluationInReference(), null, f.evaluationBallCount())),
                          new Tuple2<>(
                              2 * pair._2()._1() + 1,
                              new PointFlags(
                                  f.referenceInEvaluation(), f.referenceCovered(), null)))
                      .iterator();
                })
            .reduceByKey(PointFlags::or);
    JavaRDD<long[]> sums =
        flags.map(
            t -> {
              PointFlags f = t._2();
              long inside = count(f.inside());
              return t._1() % 2 == 0
                  ? new long[] {inside, 0, f.balls() == null ? 0 : sum(f.balls()), 0}
                  : new long[] {0, inside, 0, f.covered() == null ? 0 : count(f.covered())};
            });
    long[] total = new long[4];
    for (long[] s : sums.collect()) {
      for (int i = 0; i < 4; i++) total[i] += s[i];
    }
    return total;
  }

  private static long count(boolean[] flags) {
    long n = 0;
    for (boolean f : flags) if (f) n++;
    return n;
  }

  private static long sum(long[] values) {
    long s = 0;
    for (long v : values) s += v;
    return s;
  }

  /**
   * Spark reports a task's failure as its own exception, with the task's failure in the message
   * (the task's exception's toString, for {@link ActdbSparkException} its message alone) or as the
   * cause: a failure of the data (NaN, dimensions) is handed on with the function's message only.
   */
  private static RuntimeException plainFailure(String function, Exception failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ActdbSparkException data) return new ActdbSparkException(data.getMessage());
    }
    String text = String.valueOf(failure.getMessage());
    int at = text.indexOf(function + ": ");
    if (failure.getClass().getName().startsWith("org.apache.spark.") && at >= 0) {
      String message = text.substring(at);
      int end = message.indexOf('\n');
      return new ActdbSparkException(end < 0 ? message : message.substring(0, end));
    }
    if (failure instanceof RuntimeException unchecked) return unchecked;
    return new IllegalStateException(function + ": the Spark job failed: " + failure, failure);
  }
}

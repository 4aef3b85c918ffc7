package io.actdb.sql.geometry;

import io.actdb.sql.kernels.KernelThreads;
import io.actdb.sql.spi.Cancellation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Walks all pairs of two point sets tile by tile: a tile's float32 dot products come from one
 * {@link io.actdb.sql.kernels.DistanceKernels#dots} call and are handed to a visitor, then
 * overwritten by the next tile. Memory is one tile per thread, never n×n.
 *
 * <p>Tiles are spread over the cores ({@link KernelThreads}); each thread has its own {@code local}
 * accumulator, all returned for the caller to merge. A visitor must therefore give the same merged
 * result whatever thread saw which tile: counts, flags, minima, unions.
 */
final class PairScan {
  private PairScan() {}

  /** Points of set a per tile: a multiple of every kernel's row group (6). */
  static final int A_BLOCK = 192;

  /**
   * Points of set b per tile: a multiple of every panel width. One run of the b block (256 floats
   * per point) is 256 KiB and stays in L2 while the tile's rows pass over it.
   */
  static final int B_BLOCK = 256;

  /**
   * One computed tile: points {@code aFrom .. aFrom+aCount-1} of a against {@code bFrom ..} of b.
   */
  static final class Tile {
    final PointSet a;
    final PointSet b;
    final double boundFactor;
    final float[] dots = new float[A_BLOCK * B_BLOCK];

    /** Columns found by {@link #select}. */
    final int[] hits = new int[B_BLOCK];

    int aFrom;
    int aCount;
    int bFrom;
    int bCount;

    Tile(PointSet a, PointSet b) {
      this.a = a;
      this.b = b;
      this.boundFactor = PointSet.boundFactor(a.dim);
    }

    /** The fast squared distance of tile pair (i, j); off by at most {@link #bound}. */
    double approx(int i, int j) {
      return a.squaredNorms[aFrom + i] + b.squaredNorms[bFrom + j] - 2.0 * dots[i * B_BLOCK + j];
    }

    /** A bound on {@code |approx(i, j) − exact squared distance|}. */
    double bound(int i, int j) {
      double s = a.norms[aFrom + i] + b.norms[bFrom + j];
      return boundFactor * s * s;
    }

    /**
     * Puts into {@link #hits} (returning how many) the columns {@code j >= from} of row {@code i}
     * with {@code approx(i, j) - slack <= max(rowLimit, colLimits[bFrom + j])} ({@code colLimits}
     * null: {@code rowLimit}), at vector speed; see {@link
     * io.actdb.sql.kernels.DistanceKernels#select}. With {@code slack = }{@link #rowSlack}{@code
     * (i)} no pair with {@code approx - bound <= limit} is left out.
     */
    int select(int i, int from, double rowLimit, double[] colLimits, double slack) {
      return a.kernels.select(
          dots,
          i * B_BLOCK,
          from,
          bCount,
          a.squaredNorms[aFrom + i],
          b.squaredNorms,
          bFrom,
          rowLimit,
          colLimits,
          slack,
          hits);
    }

    /**
     * At least {@link #bound} of every pair of row {@code i} (the same formula, with b's largest
     * norm).
     */
    double rowSlack(int i) {
      double s = a.norms[aFrom + i] + b.maxNorm;
      return boundFactor * s * s;
    }

    /** The exact squared distance of tile pair (i, j). */
    double exact(int i, int j) {
      return a.exact(aFrom + i, b, bFrom + j);
    }
  }

  /** Receives every tile. */
  interface Visitor<L> {
    void visit(L local, Tile tile);
  }

  /** Lets a scan leave out tiles whose pairs can no longer change the result. */
  interface Skip {
    boolean skip(int aFrom, int aTo, int bFrom, int bTo);
  }

  /**
   * Visits all pairs of {@code a} x {@code b}; with {@code upper} ({@code a == b}) only tiles that
   * hold a pair {@code i < j}, and the visitor must itself ignore pairs with {@code j <= i} (global
   * indices {@code aFrom + i}, {@code bFrom + j}).
   *
   * @return the per-thread accumulators, for the caller to merge
   */
  static <L> List<L> scan(
      PointSet a, PointSet b, boolean upper, Supplier<L> newLocal, Visitor<L> visitor, Skip skip) {
    List<int[]> tasks = new ArrayList<>();
    for (int a0 = 0; a0 < a.count; a0 += A_BLOCK) {
      int bStart = upper ? ((a0 + 1) / B_BLOCK) * B_BLOCK : 0;
      for (int b0 = bStart; b0 < b.count; b0 += B_BLOCK) {
        tasks.add(new int[] {a0, b0});
      }
    }
    // Asks for one thread more than cores, as it once ran: when DuckDB runs the finalize on a
    // worker, its client thread busy-waits meanwhile (duckdb/duckdb#22178), and a third runnable
    // thread was meant to win back part of that core; later measurements showed no difference
    // (docs/sql-functions.md, Threads). The pool now gives helpers only for idle cores, so this
    // is the caller plus a helper for every other idle core.
    int threads = Math.max(1, Math.min(KernelThreads.POOL_SIZE + 1, tasks.size()));
    List<L> locals = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      locals.add(newLocal.get());
    }
    AtomicInteger next = new AtomicInteger();
    KernelThreads.forEach(
        threads,
        threads,
        w -> {
          L local = locals.get(w);
          Tile tile = new Tile(a, b);
          for (int t = next.getAndIncrement(); t < tasks.size(); t = next.getAndIncrement()) {
            Cancellation.checkpoint();
            int[] task = tasks.get(t);
            tile.aFrom = task[0];
            tile.aCount = Math.min(A_BLOCK, a.count - task[0]);
            tile.bFrom = task[1];
            tile.bCount = Math.min(B_BLOCK, b.count - task[1]);
            if (skip != null
                && skip.skip(
                    tile.aFrom, tile.aFrom + tile.aCount, tile.bFrom, tile.bFrom + tile.bCount)) {
              continue;
            }
            a.kernels.dots(
                a.packed,
                tile.aFrom,
                tile.aCount,
                b.packed,
                tile.bFrom,
                tile.bCount,
                a.dim,
                tile.dots,
                B_BLOCK);
            visitor.visit(local, tile);
          }
        });
    return locals;
  }
}

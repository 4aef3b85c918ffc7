package io.actdb.bench;

import io.actdb.sql.kernels.DistanceKernels;
import io.actdb.sql.kernels.KernelThreads;
import io.actdb.sql.kernels.Kernels;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Times {@link DistanceKernels#dots} alone, the way the distance aggregates call it: every thread
 * computes 192 x 256 tiles of dot products between packed points, over and over.
 */
public final class DistanceKernelBenchmark {
  private DistanceKernelBenchmark() {}

  static final int A_BLOCK = 192;
  static final int B_BLOCK = 256;

  /**
   * Runs for about {@code seconds} on {@code threads} threads over {@code points} random points of
   * {@code dim} floats; returns {@code distance_gflops}, {@code distance_kernel} and the tile
   * shape.
   */
  public static Map<String, Object> run(int points, int dim, int threads, double seconds) {
    DistanceKernels kernels = Kernels.distances();
    SplittableRandom random = new SplittableRandom(7);
    float[] rows = new float[points * dim];
    for (int i = 0; i < rows.length; i++) rows[i] = (float) random.nextGaussian();
    float[] packed = kernels.pack(rows, points, dim, new float[dim]);
    int aBlocks = Math.max(1, points / A_BLOCK);
    int bBlocks = Math.max(1, points / B_BLOCK);
    int aCount = Math.min(A_BLOCK, points);
    int bCount = Math.min(B_BLOCK, points);
    AtomicLong tiles = new AtomicLong();
    // Warm-up: one pass of the JIT over the microkernel.
    float[] warm = new float[A_BLOCK * B_BLOCK];
    for (int w = 0; w < 20; w++) {
      kernels.dots(packed, 0, aCount, packed, 0, bCount, dim, warm, B_BLOCK);
    }
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    KernelThreads.forEach(
        threads,
        threads,
        t -> {
          float[] out = new float[A_BLOCK * B_BLOCK];
          long done = 0;
          for (int step = t; System.nanoTime() < deadline; step++) {
            int a = (step % aBlocks) * A_BLOCK;
            int b = ((step / aBlocks) % bBlocks) * B_BLOCK;
            kernels.dots(
                packed, Math.min(a, points - aCount), aCount, packed, b, bCount, dim, out, B_BLOCK);
            done++;
          }
          tiles.addAndGet(done);
        });
    double elapsed = (System.nanoTime() - start) / 1e9;
    double flops = tiles.get() * DistanceKernels.dotsFlops(aCount, bCount, dim);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("distance_kernel", Kernels.name());
    result.put("distance_threads", threads);
    result.put("distance_gflops", flops / elapsed / 1e9);
    return result;
  }
}

package io.actdb.sql.geometry;

import io.actdb.sql.kernels.DistanceKernels;
import io.actdb.sql.spi.SqlFunctionException;

/**
 * Points ready for {@link PairScan}: the original float32 rows (for exact distances) and a packed
 * copy shifted by a common centre, with the float64 norms of the shifted points.
 *
 * <p>Why shift: the fast distance is {@code |a|² + |b|² − 2 a·b}, whose float32 error grows with
 * {@code |a| |b|}. Data with a large common offset (every coordinate + 1000) would otherwise lose
 * all its digits there, the float16 trap of thesis §5.5 in a milder form. The shift makes the error
 * bound, and so the number of exact re-checks, independent of such an offset.
 */
final class PointSet {
  final float[] rows;
  final int count;
  final int dim;
  final float[] packed;
  final double[] squaredNorms;
  final double[] norms;
  final double maxNorm;
  final DistanceKernels kernels;

  /** Points of padding a packed copy may add: more than any panel width. */
  private static final int PADDING_ROOM = 64;

  PointSet(float[] rows, int count, int dim, float[] shift, DistanceKernels kernels) {
    // The packed copy pads the last panel: leave room for it within one Java array.
    if (((long) count + PADDING_ROOM) * dim > Integer.MAX_VALUE - 16) {
      throw new SqlFunctionException(
          count
              + " points of "
              + dim
              + " floats exceed what one array holds (2^31 floats);"
              + " sample the rows (USING SAMPLE)");
    }
    this.rows = rows;
    this.count = count;
    this.dim = dim;
    this.kernels = kernels;
    this.packed = kernels.pack(rows, count, dim, shift);
    this.squaredNorms = new double[count];
    this.norms = new double[count];
    double max = 0;
    int w = kernels.panelWidth();
    for (int p = 0; p < count; p++) {
      int base = (p / w) * dim * w + p % w;
      double s = 0;
      for (int c = 0; c < dim; c++) {
        double v = packed[base + c * w];
        s += v * v;
      }
      squaredNorms[p] = s;
      norms[p] = Math.sqrt(s);
      max = Math.max(max, norms[p]);
    }
    this.maxNorm = max;
  }

  /** The float32 mean of the rows of all {@code sets} together (zeros when they are empty). */
  static float[] centre(int dim, PointBuffer... sets) {
    float[][] rows = new float[sets.length][];
    int[] counts = new int[sets.length];
    for (int s = 0; s < sets.length; s++) {
      rows[s] = sets[s].rows();
      counts[s] = sets[s].count();
    }
    return centre(dim, rows, counts);
  }

  /** As {@link #centre(int, PointBuffer...)}, of {@code counts[s]} rows of each {@code rows[s]}. */
  static float[] centre(int dim, float[][] rows, int[] counts) {
    double[] sum = new double[dim];
    long n = 0;
    for (int s = 0; s < rows.length; s++) {
      for (int p = 0; p < counts[s]; p++) {
        int base = p * dim;
        for (int c = 0; c < dim; c++) {
          sum[c] += rows[s][base + c];
        }
      }
      n += counts[s];
    }
    float[] mean = new float[dim];
    for (int c = 0; c < dim; c++) {
      mean[c] = n == 0 ? 0f : (float) (sum[c] / n);
    }
    return mean;
  }

  /**
   * Exact squared distance between point {@code p} of this set and point {@code q} of {@code o}.
   */
  double exact(int p, PointSet o, int q) {
    return ExactDistance.squared(rows, p * dim, o.rows, q * dim, dim);
  }

  /**
   * A factor {@code f} such that for any points {@code p, q} of sets packed with the same shift,
   * {@code |fast − exact| <= f · (norms[p] + norms[q])²}, where fast is {@link
   * PairScan.Tile#approx} and exact {@link ExactDistance}. Terms: the float32 dot product ({@code 2
   * e |a||b| <= e/2 (|a|+|b|)²}, {@code e} = {@link DistanceKernels#dotErrorFactor}), the float32
   * rounding of the shifted coordinates ({@code 2u (|a|+|b|)²}), and the float64 sums; 5 % on top
   * for the roundings of the bound itself.
   */
  static double boundFactor(int dim) {
    double u = 0x1p-24;
    return 1.05 * (DistanceKernels.dotErrorFactor(dim) / 2 + 2.01 * u + (dim + 8) * 0x1p-52);
  }
}

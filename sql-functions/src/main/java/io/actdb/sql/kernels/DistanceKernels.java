package io.actdb.sql.kernels;

/**
 * Dot products between the points of two packed point sets: the GEMM at the heart of every
 * pairwise-distance computation (IPR, PRDC, GeomCA, RBF CKA). {@link ScalarDistanceKernels} is the
 * plain Java twin and test oracle of {@link PanamaDistanceKernels}; {@link Kernels#distances()}
 * chooses.
 *
 * <p><b>Packed points.</b> A set of {@code count} points of {@code dim} float32 coordinates is
 * stored in panels of {@link #panelWidth()} points: coordinate {@code c} of point {@code p} sits at
 * {@code packed[(p / W) * dim * W + c * W + p % W]}, and the padding points of the last panel are
 * zero. {@link #pack} builds it.
 *
 * <p><b>What a dot product is, to the bit.</b> Coordinates are cut into runs of {@link #RUN}; a
 * run's products are one float32 FMA chain from zero in coordinate order, and the run sums are
 * added in float32, in order. Both implementations follow this exactly, so they agree bit for bit,
 * and a pair's value never depends on where the pair falls in a block or which thread computes it.
 * The error is at most about {@code (RUN + dim / RUN) * 2^-24 * |a| |b|}: see {@link
 * #dotErrorFactor}.
 */
public interface DistanceKernels {

  /** Coordinates per float32 FMA chain. */
  int RUN = 256;

  /** Points per packed panel. */
  int panelWidth();

  /**
   * Output rows are computed in groups of this many; {@code out} needs room for {@code aCount}
   * rounded up to it.
   */
  int rowGroup();

  /**
   * Writes {@code out[i * outStride + j] = dot(a point aFirst + i, b point bFirst + j)} for {@code
   * i < aCount}, {@code j < bCount}, on the calling thread. {@code a} and {@code b} are packed sets
   * of the same {@code dim} (they may be the same array); {@code bFirst} is a multiple of {@link
   * #panelWidth()}. {@code out} needs room for {@code aCount} rounded up to {@link #rowGroup()}
   * rows of {@code outStride >= bCount} rounded up to {@link #panelWidth()} floats; entries outside
   * {@code aCount x bCount} are scratch.
   */
  void dots(
      float[] a,
      int aFirst,
      int aCount,
      float[] b,
      int bFirst,
      int bCount,
      int dim,
      float[] out,
      int outStride);

  /**
   * The pairs of one tile row worth a closer look: writes to {@code hits}, in ascending order,
   * every {@code j} in {@code [from, to)} for which
   *
   * <pre>{@code
   * double fast = (rowSquaredNorm + colSquaredNorms[colFirst + j]) - 2.0 * dots[dotsOffset + j];
   * fast - slack <= Math.max(rowLimit, colLimits[colFirst + j])   // colLimits null: rowLimit
   * }</pre>
   *
   * holds, evaluated in float64 exactly as written, and returns how many. The fast distance is the
   * one a pair scan computes from a {@link #dots} tile, to the bit, so a caller that tests {@code
   * fast - bound <= limit} with {@code bound <= slack} sees no pair that this leaves out. Most
   * pairs of a distance pass fail the test; this is how a scan skips them at vector speed.
   */
  int select(
      float[] dots,
      int dotsOffset,
      int from,
      int to,
      double rowSquaredNorm,
      double[] colSquaredNorms,
      int colFirst,
      double rowLimit,
      double[] colLimits,
      double slack,
      int[] hits);

  /**
   * One tile row of two RBF kernels over the same pairs, for RBF CKA. For every {@code j} in {@code
   * [from, to)}, with the fast squared distances of {@link #select} (negatives, a rounding
   * artefact, taken as 0):
   *
   * <pre>{@code
   * double dx = Math.max(0, (xRowSquaredNorm + xColSquaredNorms[colFirst + j]) - 2.0 * xDots[dotsOffset + j]);
   * double k = Math.exp(gx * dx), l = Math.exp(gy * dy);   // dy alike from yDots and the y norms
   * colK[j] += k; colL[j] += l;
   * }</pre>
   *
   * and adds to {@code rowSums} the row's {@code Σk, Σl, Σk·l, Σk², Σl²}, in this order. Sums are
   * float64; the order of additions (and the last bit of exp) may differ between implementations,
   * never between two calls of one.
   */
  void rbfRow(
      float[] xDots,
      float[] yDots,
      int dotsOffset,
      int from,
      int to,
      double xRowSquaredNorm,
      double[] xColSquaredNorms,
      double yRowSquaredNorm,
      double[] yColSquaredNorms,
      int colFirst,
      double gx,
      double gy,
      double[] colK,
      double[] colL,
      double[] rowSums);

  /**
   * Packs {@code count} row-major points ({@code points[p * dim + c]}), each coordinate minus
   * {@code shift[c]} (rounded to float32), into the layout {@link #dots} reads.
   */
  default float[] pack(float[] points, int count, int dim, float[] shift) {
    int w = panelWidth();
    int panels = (count + w - 1) / w;
    float[] packed = new float[Math.multiplyExact(Math.multiplyExact(panels, w), dim)];
    for (int p = 0; p < count; p++) {
      int base = (p / w) * dim * w + p % w;
      int src = p * dim;
      for (int c = 0; c < dim; c++) {
        packed[base + c * w] = points[src + c] - shift[c];
      }
    }
    return packed;
  }

  /**
   * A bound {@code f} such that {@code |computed dot - exact dot| <= f * |a| * |b|} for any two
   * float32 points of {@code dim} coordinates: {@code (RUN + runs) * u / (1 - (RUN + runs) * u)}
   * with {@code u = 2^-24}, the classic bound for a chain of that many float32 additions (Higham,
   * Accuracy and Stability, 3.1), since each product enters at most {@code RUN + runs} roundings.
   */
  static double dotErrorFactor(int dim) {
    int runs = Math.max(1, (dim + RUN - 1) / RUN);
    double nu = (Math.min(dim, RUN) + runs) * 0x1p-24;
    return nu / (1 - nu);
  }

  /** Floating-point operations of a {@link #dots} call (one multiply and one add per term). */
  static double dotsFlops(long aCount, long bCount, int dim) {
    return 2.0 * aCount * bCount * dim;
  }
}

package io.actdb.sql.kernels;

import static io.actdb.sql.kernels.PanamaGramKernels.DOUBLES;
import static io.actdb.sql.kernels.PanamaGramKernels.FLOATS;
import static io.actdb.sql.kernels.PanamaGramKernels.HALF_FLOATS;
import static io.actdb.sql.kernels.PanamaGramKernels.TI;
import static io.actdb.sql.kernels.PanamaGramKernels.TJ;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API {@link DistanceKernels}: an sgemm of packed points against packed points, with the
 * register-tiled microkernel of {@link FloatTiles}. Obtain it through {@link Kernels#distances()}.
 *
 * <p>Loop order, outermost first: runs of {@link #RUN} coordinates, slivers of {@link
 * PanamaGramKernels#TI} {@code a} points (gathered once per run into a contiguous sliver), panels
 * of {@code b}. One run of the {@code b} block ({@code RUN x bCount} floats, 512 KiB for 512
 * points) stays in L2 while every sliver passes over it; a sliver stays in L1.
 */
public final class PanamaDistanceKernels implements DistanceKernels {

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[RUN * TI], new float[TI * TJ]});

  /** Public for reflection from {@link Kernels}. */
  public PanamaDistanceKernels() {
    new PanamaGramKernels(); // the same CPU check
  }

  @Override
  public int panelWidth() {
    return TJ;
  }

  @Override
  public int rowGroup() {
    return TI;
  }

  @Override
  public void dots(
      float[] a,
      int aFirst,
      int aCount,
      float[] b,
      int bFirst,
      int bCount,
      int dim,
      float[] out,
      int outStride) {
    if (bFirst % TJ != 0) throw new IllegalArgumentException("bFirst " + bFirst + " % " + TJ);
    float[][] scratch = SCRATCH.get();
    float[] sliver = scratch[0];
    float[] tile = scratch[1];
    int l = FLOATS.length();
    for (int c0 = 0; c0 < dim; c0 += RUN) {
      int kc = Math.min(RUN, dim - c0);
      for (int i0 = 0; i0 < aCount; i0 += TI) {
        gatherSliver(a, aFirst + i0, Math.min(TI, aCount - i0), dim, c0, kc, sliver);
        for (int j0 = 0; j0 < bCount; j0 += TJ) {
          int panel = ((bFirst + j0) / TJ) * dim * TJ + c0 * TJ;
          int at = i0 * outStride + j0;
          if (c0 == 0) {
            FloatTiles.tile(sliver, b, panel, kc, out, at, outStride);
          } else {
            FloatTiles.tile(sliver, b, panel, kc, tile, 0, TJ);
            for (int ii = 0; ii < TI; ii++) {
              int o = at + ii * outStride;
              for (int v = 0; v < TJ; v += l) {
                FloatVector.fromArray(FLOATS, out, o + v)
                    .add(FloatVector.fromArray(FLOATS, tile, ii * TJ + v))
                    .intoArray(out, o + v);
              }
            }
          }
        }
      }
    }
  }

  /**
   * Copies coordinates {@code c0 .. c0+kc-1} of points {@code first .. first+n-1} into {@code
   * sliver[k * TI + ii]}; rows {@code ii >= n} are zero.
   */
  private static void gatherSliver(
      float[] packed, int first, int n, int dim, int c0, int kc, float[] sliver) {
    for (int ii = 0; ii < TI; ii++) {
      if (ii < n) {
        int p = first + ii;
        int src = (p / TJ) * dim * TJ + c0 * TJ + p % TJ;
        for (int k = 0; k < kc; k++) {
          sliver[k * TI + ii] = packed[src + k * TJ];
        }
      } else {
        for (int k = 0; k < kc; k++) {
          sliver[k * TI + ii] = 0f;
        }
      }
    }
  }

  @Override
  public int select(
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
      int[] hits) {
    int n = 0;
    int l = DOUBLES.length();
    DoubleVector row = DoubleVector.broadcast(DOUBLES, rowSquaredNorm);
    DoubleVector rowLimits = DoubleVector.broadcast(DOUBLES, rowLimit);
    int j = from;
    for (; j + l <= to; j += l) {
      DoubleVector dot =
          (DoubleVector)
              FloatVector.fromArray(HALF_FLOATS, dots, dotsOffset + j)
                  .convertShape(VectorOperators.F2D, DOUBLES, 0);
      // The same float64 operations, in the same order, as the scalar twin: lanes round alike.
      DoubleVector fast =
          row.add(DoubleVector.fromArray(DOUBLES, colSquaredNorms, colFirst + j)).sub(dot.mul(2.0));
      DoubleVector limit =
          colLimits == null
              ? rowLimits
              : rowLimits.max(DoubleVector.fromArray(DOUBLES, colLimits, colFirst + j));
      long bits = fast.sub(slack).compare(VectorOperators.LE, limit).toLong();
      while (bits != 0) {
        hits[n++] = j + Long.numberOfTrailingZeros(bits);
        bits &= bits - 1;
      }
    }
    return ScalarDistanceKernels.selectFrom(
        dots,
        dotsOffset,
        j,
        to,
        rowSquaredNorm,
        colSquaredNorms,
        colFirst,
        rowLimit,
        colLimits,
        slack,
        hits,
        n);
  }

  @Override
  public void rbfRow(
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
      double[] rowSums) {
    int l = DOUBLES.length();
    DoubleVector xRow = DoubleVector.broadcast(DOUBLES, xRowSquaredNorm);
    DoubleVector yRow = DoubleVector.broadcast(DOUBLES, yRowSquaredNorm);
    DoubleVector zero = DoubleVector.zero(DOUBLES);
    DoubleVector sk = zero;
    DoubleVector sl = zero;
    DoubleVector skl = zero;
    DoubleVector skk = zero;
    DoubleVector sll = zero;
    int j = from;
    // exp is the cost here (the dot products are done): the Vector API's EXP is a SIMD library
    // call on x86, several times the rate of Math.exp one lane at a time.
    for (; j + l <= to; j += l) {
      DoubleVector k =
          kernelValues(xDots, dotsOffset + j, xRow, xColSquaredNorms, colFirst + j, gx);
      DoubleVector v =
          kernelValues(yDots, dotsOffset + j, yRow, yColSquaredNorms, colFirst + j, gy);
      k.add(DoubleVector.fromArray(DOUBLES, colK, j)).intoArray(colK, j);
      v.add(DoubleVector.fromArray(DOUBLES, colL, j)).intoArray(colL, j);
      sk = sk.add(k);
      sl = sl.add(v);
      skl = k.fma(v, skl);
      skk = k.fma(k, skk);
      sll = v.fma(v, sll);
    }
    rowSums[0] += sk.reduceLanes(VectorOperators.ADD);
    rowSums[1] += sl.reduceLanes(VectorOperators.ADD);
    rowSums[2] += skl.reduceLanes(VectorOperators.ADD);
    rowSums[3] += skk.reduceLanes(VectorOperators.ADD);
    rowSums[4] += sll.reduceLanes(VectorOperators.ADD);
    // scalar tail
    ScalarDistanceKernels.rbfRowSums(
        xDots,
        yDots,
        dotsOffset,
        j,
        to,
        xRowSquaredNorm,
        xColSquaredNorms,
        yRowSquaredNorm,
        yColSquaredNorms,
        colFirst,
        gx,
        gy,
        colK,
        colL,
        rowSums);
  }

  /**
   * {@code exp(g · max(0, fast squared distance))} of {@code l} consecutive pairs of a tile row.
   */
  private static DoubleVector kernelValues(
      float[] dots,
      int at,
      DoubleVector rowSquaredNorm,
      double[] colSquaredNorms,
      int col,
      double g) {
    DoubleVector dot =
        (DoubleVector)
            FloatVector.fromArray(HALF_FLOATS, dots, at)
                .convertShape(VectorOperators.F2D, DOUBLES, 0);
    DoubleVector fast =
        rowSquaredNorm.add(DoubleVector.fromArray(DOUBLES, colSquaredNorms, col)).sub(dot.mul(2.0));
    return fast.max(0.0).mul(g).lanewise(VectorOperators.EXP);
  }
}

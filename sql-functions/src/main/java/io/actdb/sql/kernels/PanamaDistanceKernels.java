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
        dots, dotsOffset, j, to, rowSquaredNorm, colSquaredNorms, colFirst, rowLimit, colLimits,
        slack, hits, n);
  }
}

package io.actdb.sql.kernels;

/**
 * Plain-Java {@link DistanceKernels}: the fallback where the Vector API cannot run, and the oracle
 * {@link PanamaDistanceKernels} is tested against bit for bit.
 */
public final class ScalarDistanceKernels implements DistanceKernels {
  private final int panelWidth;

  /** Reads the panel width the Vector API twin uses, so either can read the other's packing. */
  public ScalarDistanceKernels(int panelWidth) {
    if (panelWidth < 1) throw new IllegalArgumentException("panel width " + panelWidth);
    this.panelWidth = panelWidth;
  }

  @Override
  public int panelWidth() {
    return panelWidth;
  }

  @Override
  public int rowGroup() {
    return 1;
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
    int w = panelWidth;
    for (int i = 0; i < aCount; i++) {
      int pa = aFirst + i;
      int aBase = (pa / w) * dim * w + pa % w;
      for (int j = 0; j < bCount; j++) {
        int pb = bFirst + j;
        int bBase = (pb / w) * dim * w + pb % w;
        float total = 0f;
        for (int c0 = 0; c0 < dim; c0 += RUN) {
          float run = 0f;
          for (int c = c0; c < Math.min(dim, c0 + RUN); c++) {
            run = Math.fma(a[aBase + c * w], b[bBase + c * w], run);
          }
          total = c0 == 0 ? run : total + run;
        }
        out[i * outStride + j] = total;
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
    return selectFrom(
        dots,
        dotsOffset,
        from,
        to,
        rowSquaredNorm,
        colSquaredNorms,
        colFirst,
        rowLimit,
        colLimits,
        slack,
        hits,
        0);
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
    rbfRowSums(
        xDots,
        yDots,
        dotsOffset,
        from,
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

  /** {@link #rbfRow}, for the Vector API twin's tail. */
  static void rbfRowSums(
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
    double sk = 0;
    double sl = 0;
    double skl = 0;
    double skk = 0;
    double sll = 0;
    for (int j = from; j < to; j++) {
      double dx = (xRowSquaredNorm + xColSquaredNorms[colFirst + j]) - 2.0 * xDots[dotsOffset + j];
      double dy = (yRowSquaredNorm + yColSquaredNorms[colFirst + j]) - 2.0 * yDots[dotsOffset + j];
      double k = Math.exp(gx * Math.max(0, dx));
      double l = Math.exp(gy * Math.max(0, dy));
      colK[j] += k;
      colL[j] += l;
      sk += k;
      sl += l;
      skl += k * l;
      skk += k * k;
      sll += l * l;
    }
    rowSums[0] += sk;
    rowSums[1] += sl;
    rowSums[2] += skl;
    rowSums[3] += skk;
    rowSums[4] += sll;
  }

  /**
   * {@link #select}, appending to {@code hits} after its first {@code n}; returns the new count.
   */
  static int selectFrom(
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
      int[] hits,
      int n) {
    for (int j = from; j < to; j++) {
      double fast = (rowSquaredNorm + colSquaredNorms[colFirst + j]) - 2.0 * dots[dotsOffset + j];
      double limit = colLimits == null ? rowLimit : Math.max(rowLimit, colLimits[colFirst + j]);
      if (fast - slack <= limit) hits[n++] = j;
    }
    return n;
  }
}

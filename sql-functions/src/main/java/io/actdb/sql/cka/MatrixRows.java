package io.actdb.sql.cka;

import io.actdb.sql.input.HeapBudget;

/**
 * {@code cka_matrix}'s example-space form: a group of few samples against its Σd dimensions keeps
 * its rows ({@link WideRows}, float32 off the heap) instead of the (Σd)² feature-space moments
 * ({@link BlockMoments}), and at finalize forms each layer's centred n×n Gram matrix once and every
 * pair's sums from those. Memory: {@code n·Σd} floats off the heap while the rows arrive, and
 * {@code L·n²} doubles of heap at finalize, against {@code (Σd)²} doubles for the feature form.
 */
final class MatrixRows {
  private MatrixRows() {}

  /**
   * Whether {@code n} rows of {@code layers} representations of {@code dz} dimensions in all are
   * better kept as rows: while they and their Gram matrices take no more bytes than the
   * feature-space moments would (n below about Σd, where the Gram work {@code n²·Σd} is also below
   * the feature form's {@code n·(Σd)²}), or when the moments cannot be had at all (beyond the heap
   * budget or Java's largest array), whatever n.
   */
  static boolean keepRows(long n, int layers, long dz) {
    long featureBytes = BlockMoments.bytes(layers, dz);
    if (dz * dz > Integer.MAX_VALUE || !HeapBudget.fits(featureBytes)) return true;
    return WideRows.bytes(n, dz, layers) <= featureBytes;
  }

  /** An empty store of rows of representations of {@code dims}. */
  static WideRows newRows(int[] dims) {
    long dz = 0;
    for (int d : dims) dz += d;
    return new WideRows(dims, BlockMoments.bytes(dims.length, dz));
  }

  /**
   * The column-centred scatter of representations {@code l} (as x) and {@code m} (as y) of the kept
   * rows, for the CCA family: their columns gathered side by side, then as {@code cca} does for the
   * rows it keeps.
   */
  static CentredScatter pairScatter(WideRows rows, int l, int m) {
    int fromX = rows.starts[l];
    int fromY = rows.starts[m];
    int dx = rows.starts[l + 1] - fromX;
    int dy = rows.starts[m + 1] - fromY;
    int pairWidth = dx + dy;
    CentredScatter.requireScatterFits("cca_family_matrix", dx, dy);
    String what = "the rows of a layer pair of " + dx + " + " + dy + " dimensions";
    float[] pair = HeapBudget.allocateFloats((long) rows.n * pairWidth, what);
    int[] done = {0};
    rows.replay(
        LinearCka.blockRows(rows.dz),
        (block, count) -> {
          for (int r = 0; r < count; r++) {
            int to = (done[0] + r) * pairWidth;
            System.arraycopy(block, r * rows.dz + fromX, pair, to, dx);
            System.arraycopy(block, r * rows.dz + fromY, pair, to + dx, dy);
          }
          done[0] += count;
        });
    return CentredScatter.ofRows(pair, rows.n, dx, dy);
  }
}

package io.actdb.sql.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The off-heap row store against plain arrays: rows across chunk boundaries, shared chunks that
 * their first owner keeps appending to, and the transposed column blocks the Gram kernel reads.
 */
class OffHeapRowsTest {

  private static float[] rows(Random random, int count, int width) {
    float[] out = new float[count * width];
    for (int i = 0; i < out.length; i++) out[i] = (float) random.nextGaussian();
    return out;
  }

  private static OffHeapRows store(boolean onHeap, int width) {
    return onHeap ? OffHeapRows.onHeap(width) : new OffHeapRows(width);
  }

  @Test
  void rowsComeBackInOrderAcrossChunksAndSharing() {
    // Either kind of chunk, and a store that shares the chunks of the other kind.
    for (boolean aOnHeap : new boolean[] {false, true}) {
      for (boolean bOnHeap : new boolean[] {false, true}) {
        rowsComeBackInOrderAcrossChunksAndSharing(store(aOnHeap, 13), store(bOnHeap, 13));
      }
    }
  }

  private static void rowsComeBackInOrderAcrossChunksAndSharing(OffHeapRows a, OffHeapRows b) {
    Random random = new Random(3);
    int width = 13;
    float[] first = rows(random, 2049, width); // several geometric chunks
    for (int from = 0; from < 2049; ) {
      int count = Math.min(1 + random.nextInt(300), 2049 - from);
      float[] block = new float[count * width];
      System.arraycopy(first, from * width, block, 0, block.length);
      a.add(block, count);
      from += count;
    }
    float[] second = rows(random, 7, width);
    b.add(second, 7);
    b.addAll(a);
    // The first owner appends after sharing: the sharer must not see it.
    a.add(rows(random, 100, width), 100);
    float[] more = rows(random, 5, width);
    b.add(more, 5);
    assertEquals(2149, a.rows());
    assertEquals(7 + 2049 + 5, b.rows());
    float[] want = new float[(7 + 2049 + 5) * width];
    System.arraycopy(second, 0, want, 0, second.length);
    System.arraycopy(first, 0, want, second.length, first.length);
    System.arraycopy(more, 0, want, second.length + first.length, more.length);
    float[] got = new float[want.length];
    b.copyRows(0, (int) b.rows(), got);
    assertArrayEquals(want, got);
    float[] middle = new float[300 * width];
    b.copyRows(1000, 300, middle);
    float[] wantMiddle = new float[300 * width];
    System.arraycopy(want, 1000 * width, wantMiddle, 0, wantMiddle.length);
    assertArrayEquals(wantMiddle, middle);
    assertThrows(IllegalArgumentException.class, () -> b.copyRows(b.rows() - 1, 2, new float[26]));
  }

  @Test
  void transposedColumnsAreTheRowsLessTheirOrigin() {
    transposedColumnsAreTheRowsLessTheirOrigin(false);
    transposedColumnsAreTheRowsLessTheirOrigin(true);
  }

  private static void transposedColumnsAreTheRowsLessTheirOrigin(boolean onHeap) {
    Random random = new Random(5);
    int width = 9;
    int n = 70;
    float[] data = rows(random, n, width);
    OffHeapRows store = store(onHeap, width);
    store.add(data, n);
    double[] origin = new double[width];
    for (int k = 0; k < width; k++) origin[k] = k % 2 == 0 ? 0 : 0.25 * k;
    float[] out = new float[4 * n];
    store.transposeColumns(3, 4, origin, out);
    for (int c = 0; c < 4; c++) {
      for (int r = 0; r < n; r++) {
        float want = (float) (data[r * width + 3 + c] - origin[3 + c]);
        assertEquals(want, out[c * n + r], 0f, "column " + (3 + c) + ", row " + r);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> store.transposeColumns(7, 3, origin, out));
  }
}

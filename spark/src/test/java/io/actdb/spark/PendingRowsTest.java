package io.actdb.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.spi.VectorColumn;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/** The rows a group hands to the function, also from storage an earlier chunk left behind. */
class PendingRowsTest {

  @Test
  void aRecycledStoreHoldsOnlyTheNewRows() {
    PendingRows first = PendingRows.take(SparkAggregate.CKA);
    for (int r = 0; r < 100; r++) {
      first.add(new Tuple2<>(filled(4, r), filled(3, -r)));
    }
    first.recycle();

    PendingRows again = PendingRows.take(SparkAggregate.CKA);
    assertSame(first, again, "the thread's spare is reused");
    assertNotSame(again, PendingRows.take(SparkAggregate.CKA), "one spare only");
    again.add(new Tuple2<>(new float[] {1, 2}, new float[] {3}));
    again.add(new Tuple2<>(null, new float[] {4}));
    again.add(new Tuple2<>(new float[] {5, 6}, new float[] {7}));
    assertEquals(3, again.size());

    VectorColumn x = again.vectors(0, "x");
    assertEquals(3, x.rows());
    assertArrayEquals(new float[] {1, 2}, row(x, 0));
    assertTrue(x.isNull(1));
    assertArrayEquals(new float[] {5, 6}, row(x, 2));
    VectorColumn y = again.vectors(1, "y");
    assertArrayEquals(new float[] {3}, row(y, 0));
    assertArrayEquals(new float[] {4}, row(y, 1));
    assertArrayEquals(new float[] {7}, row(y, 2));
  }

  @Test
  void anotherAggregateDoesNotTakeTheSpare() {
    PendingRows cka = PendingRows.take(SparkAggregate.CKA);
    cka.recycle();
    assertNotSame(cka, PendingRows.take(SparkAggregate.PCA));
    assertSame(cka, PendingRows.take(SparkAggregate.CKA));
  }

  private static float[] filled(int dim, int value) {
    float[] v = new float[dim];
    Arrays.fill(v, value);
    return v;
  }

  private static float[] row(VectorColumn column, int r) {
    return Arrays.copyOfRange(column.values(), column.offset(r), column.offset(r) + column.dim(r));
  }
}

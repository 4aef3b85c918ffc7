package io.actdb.extractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Token pooling worked out by hand on two short sequences, the first padded. */
class TokenPoolingTest {
  // 2 sequences × 3 token slots × 2 dims; sequence 0 has 2 real tokens and one padding slot whose
  // values are large, so any pooling that lets padding in gives a visibly wrong answer.
  static final float[] HIDDEN = {
    1, 2, /**/ 3, -4, /**/ 100, 100, // sequence 0
    -1, 0, /**/ 5, 6, /**/ 2, -9 // sequence 1
  };
  static final long[] MASK = {1, 1, 0, 1, 1, 1};

  static float[] pool(TokenPooling pooling, int row) {
    float[] out = new float[4];
    pooling.pool(HIDDEN, MASK, row, 3, 2, out, 1); // offset 1: nothing outside [1, 3) is touched
    return new float[] {out[1], out[2], out[0] + out[3]};
  }

  @Test
  void meanCountsOnlyRealTokens() {
    assertArrayEquals(new float[] {2, -1, 0}, pool(TokenPooling.MEAN, 0));
    assertArrayEquals(new float[] {2, -1, 0}, pool(TokenPooling.MEAN, 1));
  }

  @Test
  void clsIsTheFirstToken() {
    assertArrayEquals(new float[] {1, 2, 0}, pool(TokenPooling.CLS, 0));
    assertArrayEquals(new float[] {-1, 0, 0}, pool(TokenPooling.CLS, 1));
  }

  @Test
  void lastIsTheLastRealToken() {
    assertArrayEquals(new float[] {3, -4, 0}, pool(TokenPooling.LAST, 0));
    assertArrayEquals(new float[] {2, -9, 0}, pool(TokenPooling.LAST, 1));
  }

  @Test
  void maxIsPerDimensionOverRealTokens() {
    assertArrayEquals(new float[] {3, 2, 0}, pool(TokenPooling.MAX, 0));
    assertArrayEquals(new float[] {5, 6, 0}, pool(TokenPooling.MAX, 1));
  }

  @Test
  void namesParseAndNoneDoesNotPool() {
    assertEquals(TokenPooling.LAST, TokenPooling.parse("Last"));
    assertNull(TokenPooling.parse("avg"));
    assertThrows(IllegalStateException.class, () -> pool(TokenPooling.NONE, 0));
  }
}

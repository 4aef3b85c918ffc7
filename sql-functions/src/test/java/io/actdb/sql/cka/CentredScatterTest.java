package io.actdb.sql.cka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.kernels.Kernels;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scatter the CCA family reads is the same whether {@code cka}'s state kept moments or rows,
 * and equals Σ(z − μ)(z − μ)ᵀ computed directly in float64.
 */
class CentredScatterTest {

  private static float[] rows(Random random, int n, int dz, double offset) {
    float[] block = new float[n * dz];
    for (int i = 0; i < block.length; i++) block[i] = (float) (offset + random.nextGaussian());
    return block;
  }

  private static double[] direct(float[] block, int n, int dz) {
    double[] mean = new double[dz];
    for (int r = 0; r < n; r++) for (int k = 0; k < dz; k++) mean[k] += block[r * dz + k];
    for (int k = 0; k < dz; k++) mean[k] /= n;
    double[] s = new double[dz * dz];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < dz; i++) {
        for (int j = 0; j < dz; j++) {
          s[i * dz + j] += (block[r * dz + i] - mean[i]) * (block[r * dz + j] - mean[j]);
        }
      }
    }
    return s;
  }

  private static LinearCka.State asRows(float[] block, int n, int dx, int dy) {
    LinearCka.State state = new LinearCka.State();
    state.accept(dx, dy);
    state.constancy.add(block, n, dx + dy);
    state.wide = new WideRows(dx, dy);
    state.wide.add(block, n);
    return state;
  }

  private static LinearCka.State asMoments(float[] block, int n, int dx, int dy) {
    int dz = dx + dy;
    LinearCka.State state = new LinearCka.State();
    state.accept(dx, dy);
    state.constancy.add(block, n, dz);
    float[] shift = new float[dz];
    System.arraycopy(block, 0, shift, 0, dz);
    state.moments = new CkaMoments(dx, dy, shift);
    state.moments.addBlock(Kernels.get(), block.clone(), n, GramKernels.Accumulation.EXACT, 1);
    return state;
  }

  @Test
  void rowsAndMomentsGiveTheDirectScatter() {
    Random random = new Random(4);
    int n = 9;
    int dx = 7;
    int dy = 5;
    int dz = dx + dy;
    float[] block = rows(random, n, dz, 100);
    double[] expected = direct(block, n, dz);
    CentredScatter fromRows = CentredScatter.of(asRows(block, n, dx, dy), "cca");
    CentredScatter fromMoments = CentredScatter.of(asMoments(block, n, dx, dy), "cca");
    assertEquals(n, fromRows.n());
    assertEquals(dx, fromRows.dx());
    assertEquals(dy, fromRows.dy());
    for (int i = 0; i < dz * dz; i++) {
      assertEquals(expected[i], fromRows.matrix()[i], 1e-9 * (1 + Math.abs(expected[i])), "rows");
      assertEquals(
          expected[i], fromMoments.matrix()[i], 1e-9 * (1 + Math.abs(expected[i])), "moments");
    }
  }

  @Test
  void oneRowOrAConstantSideIsNull() {
    Random random = new Random(5);
    float[] one = rows(random, 1, 4, 0);
    assertNull(CentredScatter.of(asRows(one, 1, 2, 2), "cca"));
    float[] constantX = rows(random, 3, 4, 0);
    for (int r = 0; r < 3; r++) {
      constantX[r * 4] = 1;
      constantX[r * 4 + 1] = 2;
    }
    assertNull(CentredScatter.of(asRows(constantX, 3, 2, 2), "cca"));
    assertNull(CentredScatter.of(asMoments(constantX, 3, 2, 2), "cca"));
  }
}

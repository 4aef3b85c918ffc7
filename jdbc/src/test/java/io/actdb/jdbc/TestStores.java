package io.actdb.jdbc;

import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small store for the driver tests: layer {@code net/a} (random, 6-d), {@code net/b} = a with its
 * coordinates permuted, signs flipped and scaled by 2.5 (an orthogonal map, so CKA(a, b) = 1) and
 * {@code net/c} (independent noise, 4-d).
 */
final class TestStores {
  private TestStores() {}

  static final int ROWS = 300;

  /** Writes the store; returns the vectors of a and c, for independent checks. */
  static float[][][] write(Path dir) throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    float[][] a = new float[ROWS][6];
    float[][] c = new float[ROWS][4];
    int[] permutation = {3, 0, 5, 1, 4, 2};
    try (StoreWriter w = StoreWriter.open(dir)) {
      List<Sample> samples = new ArrayList<>();
      for (int r = 0; r < ROWS; r++)
        samples.add(new Sample(r, "test", r % 3, "class" + r % 3, "fixture"));
      w.addSamples(samples);
      try (LayerWriter la = w.beginLayer("net", "a", 6, "avg")) {
        for (int r = 0; r < ROWS; r++) {
          for (int j = 0; j < 6; j++) a[r][j] = (float) random.nextGaussian();
          la.append(r, a[r], 0);
        }
        la.commit();
      }
      try (LayerWriter lb = w.beginLayer("net", "b", 6, "avg")) {
        float[] b = new float[6];
        for (int r = 0; r < ROWS; r++) {
          for (int j = 0; j < 6; j++) b[j] = (j % 2 == 0 ? 2.5f : -2.5f) * a[r][permutation[j]];
          lb.append(r, b, 0);
        }
        lb.commit();
      }
      try (LayerWriter lc = w.beginLayer("net", "c", 4, "avg")) {
        for (int r = 0; r < ROWS; r++) {
          for (int j = 0; j < 4; j++) c[r][j] = (float) random.nextGaussian();
          lc.append(r, c[r], 0);
        }
        lc.commit();
      }
    }
    return new float[][][] {a, c};
  }

  /** Linear CKA in plain double arithmetic: ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F) on centred columns. */
  static double linearCka(float[][] x, float[][] y) {
    double[][] xc = centred(x);
    double[][] yc = centred(y);
    return frobeniusSquared(xc, yc)
        / Math.sqrt(frobeniusSquared(xc, xc) * frobeniusSquared(yc, yc));
  }

  private static double[][] centred(float[][] m) {
    int n = m.length;
    int d = m[0].length;
    double[][] out = new double[n][d];
    for (int j = 0; j < d; j++) {
      double mean = 0;
      for (float[] row : m) mean += row[j];
      mean /= n;
      for (int i = 0; i < n; i++) out[i][j] = m[i][j] - mean;
    }
    return out;
  }

  /** ‖PᵀQ‖²_F. */
  private static double frobeniusSquared(double[][] p, double[][] q) {
    double sum = 0;
    for (int a = 0; a < p[0].length; a++) {
      for (int b = 0; b < q[0].length; b++) {
        double dot = 0;
        for (int i = 0; i < p.length; i++) dot += p[i][a] * q[i][b];
        sum += dot * dot;
      }
    }
    return sum;
  }
}

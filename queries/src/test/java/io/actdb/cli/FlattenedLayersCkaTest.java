package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers of the demo CNN extracted with {@code --pool flatten} (conv1: 32 × 26 × 26 = 21 632 values
 * a sample, far more than the samples) compare with {@code cka} directly, through {@code actdb
 * sql}, and the values equal a plain-Java CKA of the stored vectors computed here from the n × n
 * Gram matrices.
 */
class FlattenedLayersCkaTest {
  private static final int IMAGES = 30;

  @TempDir Path dir;

  @Test
  void flattenedConvolutionalLayersCompareWithCka() throws Exception {
    Path store = dir.resolve("store");
    Path images = SmallIdx.write(dir.resolve("data"), IMAGES);
    Cli.Result extract =
        Cli.run(
            "extract",
            "--store",
            store.toString(),
            "--model",
            "cnn",
            "--seed",
            "3",
            "--data",
            images.toString(),
            "--layers",
            "conv1,conv2,logits",
            "--pool",
            "flatten",
            "--name",
            "flat",
            "--device",
            "cpu");
    assertEquals(0, extract.status(), extract.err());
    Cli.Result sql =
        Cli.run(
            "sql",
            "--store",
            store.toString(),
            "--format",
            "csv",
            "-c",
            "SELECT cka(a.vec, b.vec) AS conv1_conv2, cka(a.vec, c.vec) AS conv1_logits,"
                + " cka_debiased(a.vec, b.vec) AS debiased FROM layer('flat', 'conv1') a"
                + " JOIN layer('flat', 'conv2') b USING (sample_id)"
                + " JOIN layer('flat', 'logits') c USING (sample_id)");
    assertEquals(0, sql.status(), sql.err());
    String[] lines = sql.out().strip().split("\n");
    assertEquals("conv1_conv2,conv1_logits,debiased", lines[0]);
    String[] got = lines[1].split(",");

    long[] ids = new long[IMAGES];
    float[][] conv1;
    float[][] conv2;
    float[][] logits;
    try (BufferAllocator allocator = new RootAllocator()) {
      conv1 = StoredLayers.read(store, allocator, "flat", "conv1", ids);
      long[] ids2 = new long[IMAGES];
      conv2 = StoredLayers.read(store, allocator, "flat", "conv2", ids2);
      long[] ids3 = new long[IMAGES];
      logits = StoredLayers.read(store, allocator, "flat", "logits", ids3);
      assertEquals(ids[IMAGES - 1], ids2[IMAGES - 1]);
      assertEquals(ids[IMAGES - 1], ids3[IMAGES - 1]);
    }
    assertTrue(conv1[0].length > 20 * IMAGES, "wider than the data: " + conv1[0].length);
    double want12 = linearCka(conv1, conv2);
    double want1l = linearCka(conv1, logits);
    assertTrue(want12 > 0.05 && want12 < 0.999, "a value with digits to lose: " + want12);
    assertEquals(want12, Double.parseDouble(got[0]), 1e-9 * want12, "cka(conv1, conv2)");
    assertEquals(want1l, Double.parseDouble(got[1]), 1e-9 * want1l, "cka(conv1, logits)");
    double wantDebiased = unbiasedCka(conv1, conv2);
    assertEquals(
        wantDebiased,
        Double.parseDouble(got[2]),
        1e-9 * Math.abs(wantDebiased),
        "cka_debiased(conv1, conv2)");
  }

  /** tr(KHLH) / sqrt(tr(KHKH) tr(LHLH)) from the n × n Gram matrices, in float64. */
  private static double linearCka(float[][] x, float[][] y) {
    double[][] k = centredGram(x);
    double[][] l = centredGram(y);
    return dot(k, l) / Math.sqrt(dot(k, k) * dot(l, l));
  }

  /**
   * The unbiased HSIC (Song et al. 2012) of Gram matrices with a zeroed diagonal: tr(K̃L̃) +
   * 1ᵀK̃1·1ᵀL̃1/((n−1)(n−2)) − 2·1ᵀK̃L̃1/(n−2), the n(n−3) factor cancelling in the ratio.
   */
  private static double unbiasedCka(float[][] x, float[][] y) {
    double[][] k = gram(x);
    double[][] l = gram(y);
    return hsic(k, l) / Math.sqrt(hsic(k, k) * hsic(l, l));
  }

  private static double hsic(double[][] k, double[][] l) {
    int n = k.length;
    double trace = 0;
    double sumK = 0;
    double sumL = 0;
    double cross = 0;
    for (int i = 0; i < n; i++) {
      double rowK = 0;
      double rowL = 0;
      for (int j = 0; j < n; j++) {
        if (i == j) continue;
        trace += k[i][j] * l[j][i];
        rowK += k[i][j];
        rowL += l[i][j];
      }
      sumK += rowK;
      sumL += rowL;
      cross += rowK * rowL;
    }
    return trace + sumK * sumL / ((n - 1.0) * (n - 2.0)) - 2 * cross / (n - 2.0);
  }

  private static double[][] gram(float[][] x) {
    int n = x.length;
    double[][] g = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int t = 0; t < x[i].length; t++) s += (double) x[i][t] * x[j][t];
        g[i][j] = s;
      }
    }
    return g;
  }

  private static double[][] centredGram(float[][] x) {
    int n = x.length;
    double[][] g = gram(x);
    double[] mean = new double[n];
    double all = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) mean[i] += g[i][j] / n;
      all += mean[i] / n;
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) g[i][j] += all - mean[i] - mean[j];
    }
    return g;
  }

  private static double dot(double[][] a, double[][] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a.length; j++) s += a[i][j] * b[i][j];
    }
    return s;
  }
}

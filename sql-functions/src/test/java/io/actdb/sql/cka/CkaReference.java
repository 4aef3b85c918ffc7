package io.actdb.sql.cka;

import java.util.Arrays;

/**
 * Independent CKA oracles in float64, written from the papers' Gram-matrix definitions (not from
 * the streaming feature-space formulas under test): n×n Gram matrices, explicit centring.
 */
public final class CkaReference {
  private CkaReference() {}

  static double[][] linearGram(float[][] x) {
    int n = x.length;
    double[][] k = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int t = 0; t < x[i].length; t++) s += (double) x[i][t] * x[j][t];
        k[i][j] = s;
      }
    }
    return k;
  }

  /** H K H with H = I − 11ᵀ/n: K_ij − rowmean_i − colmean_j + grandmean. */
  static double[][] centre(double[][] k) {
    int n = k.length;
    double[] row = new double[n];
    double[] col = new double[n];
    double all = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        row[i] += k[i][j] / n;
        col[j] += k[i][j] / n;
        all += k[i][j] / ((double) n * n);
      }
    }
    double[][] c = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) c[i][j] = k[i][j] - row[i] - col[j] + all;
    }
    return c;
  }

  static double frobenius(double[][] a, double[][] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a.length; j++) s += a[i][j] * b[i][j];
    }
    return s;
  }

  static double alignment(double[][] kc, double[][] lc) {
    return frobenius(kc, lc) / Math.sqrt(frobenius(kc, kc) * frobenius(lc, lc));
  }

  /** Linear CKA, biased HSIC: tr(KHLH) / sqrt(tr(KHKH) tr(LHLH)). */
  public static double cka(float[][] x, float[][] y) {
    return alignment(centre(linearGram(x)), centre(linearGram(y)));
  }

  /** The thesis's step-by-step unbiased centring (§2.5.2, steps 1–8) of K = XXᵀ (uncentred X). */
  static double[][] thesisUnbiasedCentring(double[][] gram) {
    int n = gram.length;
    double[][] k = new double[n][];
    for (int i = 0; i < n; i++) k[i] = gram[i].clone();
    for (int i = 0; i < n; i++) k[i][i] = 0; // step 2
    double[] m = new double[n];
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int i = 0; i < n; i++) s += k[i][j];
      m[j] = s / n; // step 3: column means
    }
    for (int j = 0; j < n; j++) m[j] *= (double) n / (n - 2); // step 4
    double meanM = Arrays.stream(m).sum() / n;
    for (int j = 0; j < n; j++) m[j] -= meanM * n / (2.0 * (n - 1)); // step 5
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) k[i][j] -= m[i] + m[j]; // steps 6 and 7
    }
    for (int i = 0; i < n; i++) k[i][i] = 0; // step 8
    return k;
  }

  /** Debiased linear CKA following the thesis procedure. */
  public static double ckaDebiased(float[][] x, float[][] y) {
    return alignment(thesisUnbiasedCentring(linearGram(x)), thesisUnbiasedCentring(linearGram(y)));
  }

  /**
   * RBF CKA as the demo's gram_rbf: σ² = frac² · numpy.median of the full n×n squared-distance
   * matrix (all n² entries, sorted; even count → mean of the middle two).
   */
  public static double ckaRbf(float[][] x, float[][] y, double frac) {
    return alignment(centre(rbfGram(x, frac)), centre(rbfGram(y, frac)));
  }

  static double[][] rbfGram(float[][] x, double frac) {
    int n = x.length;
    double[][] d2 = new double[n][n];
    double[] all = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int t = 0; t < x[i].length; t++) {
          double diff = (double) x[i][t] - x[j][t];
          s += diff * diff;
        }
        d2[i][j] = s;
        all[i * n + j] = s;
      }
    }
    Arrays.sort(all);
    int len = all.length;
    double median = len % 2 == 1 ? all[len / 2] : (all[len / 2 - 1] + all[len / 2]) / 2;
    double[][] k = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) k[i][j] = Math.exp(-d2[i][j] / (2 * frac * frac * median));
    }
    return k;
  }
}

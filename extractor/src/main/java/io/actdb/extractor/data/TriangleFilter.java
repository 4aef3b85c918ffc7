package io.actdb.extractor.data;

/**
 * Resampling weights along one axis for Pillow's antialiased bilinear resize (the one torchvision's
 * {@code Resize} uses on images): a triangle filter whose support widens with the scale when
 * shrinking, so every source pixel contributes, and plain bilinear interpolation between pixel
 * centres when enlarging. Weights are kept only for a range of output positions (the centre crop),
 * so a crop of a large resize costs no more than the crop.
 */
final class TriangleFilter {
  private final int[] first;
  private final double[][] weights;

  private TriangleFilter(int[] first, double[][] weights) {
    this.first = first;
    this.weights = weights;
  }

  /**
   * Weights for output positions {@code from .. from + count - 1} of a resize from {@code in} to
   * {@code out}.
   */
  static TriangleFilter of(int in, int out, int from, int count) {
    double scale = (double) in / out;
    double stretch = Math.max(scale, 1);
    int[] first = new int[count];
    double[][] weights = new double[count][];
    for (int k = 0; k < count; k++) {
      // Output pixel centres map to source coordinates; source pixel s has its centre at s + 0.5.
      double centre = (from + k + 0.5) * scale;
      int lo = Math.max(0, (int) Math.floor(centre - stretch + 0.5));
      int hi = Math.min(in, (int) Math.floor(centre + stretch + 0.5));
      double[] w = new double[hi - lo];
      double sum = 0;
      for (int s = lo; s < hi; s++) {
        w[s - lo] = Math.max(0, 1 - Math.abs((s + 0.5 - centre) / stretch));
        sum += w[s - lo];
      }
      // Renormalising drops the part of the filter that falls outside the image (edge pixels
      // repeat).
      for (int j = 0; j < w.length; j++) w[j] /= sum;
      first[k] = lo;
      weights[k] = w;
    }
    return new TriangleFilter(first, weights);
  }

  /** First source index read by output position {@code from + k}. */
  int first(int k) {
    return first[k];
  }

  /** One past the last source index read by output position {@code from + k}. */
  int end(int k) {
    return first[k] + weights[k].length;
  }

  /** The weighted sum for output position {@code from + k} of {@code values[base + s * stride]}. */
  double apply(int k, float[] values, int base, int stride) {
    double[] w = weights[k];
    int s0 = first[k];
    double sum = 0;
    for (int j = 0; j < w.length; j++) sum += w[j] * values[base + (s0 + j) * stride];
    return sum;
  }
}

package io.actdb.sql.input;

/**
 * Rescales a group's float32 rows by a power of two so that its largest magnitude lies in {@code
 * [2^40, 2^41)}, for the distance-based aggregates. Their float32 kernels square coordinates
 * (squared distances, dot products): at 1e20 these overflow float32 and at 1e-25 they underflow, so
 * that radii, edges and medians went wrong outside roughly 1e-20 … 1e19. After rescaling, a dot
 * product of up to 2^31 coordinates stays below 2^115 and products of coordinates down to 2^-60 of
 * the largest stay normal.
 *
 * <p>Multiplying a float by a power of two is exact unless the result leaves the normal range, so
 * the rescaled rows are the same numbers, and every ranking, ratio, comparison and k-NN radius is
 * the same; only results in the data's units (GeomCA's ε) are scaled back. Data scaled by any power
 * of two gives bit-identical rescaled rows, hence bit-identical results. The one loss: when scaling
 * down, a coordinate below 2^-126 of the group's largest magnitude (2^-166 after rescaling) becomes
 * subnormal and may round.
 */
public final class PowerOfTwoScale {
  private PowerOfTwoScale() {}

  /** Where the largest magnitude of a rescaled group lies: {@code [2^TARGET, 2^(TARGET + 1))}. */
  static final int TARGET_EXPONENT = 40;

  /**
   * The exponent {@code s} such that {@code values · 2^s} has its largest magnitude at the target.
   */
  public static int exponentFor(float[] values, long length) {
    float max = 0f;
    for (int i = 0; i < length; i++) max = Math.max(max, Math.abs(values[i]));
    return exponentForMax(max);
  }

  /** {@link #exponentFor} of values whose largest magnitude is {@code max}. */
  public static int exponentForMax(float max) {
    // An all-zero group stays as it is; Math.getExponent of the double is exact for subnormals.
    return max == 0f ? 0 : TARGET_EXPONENT - Math.getExponent((double) max);
  }

  /** Multiplies {@code values[0 .. length)} by {@code 2^exponent} in place. */
  public static void apply(float[] values, long length, int exponent) {
    if (exponent == 0) return;
    for (int i = 0; i < length; i++) values[i] = Math.scalb(values[i], exponent);
  }

  /** Rescales {@code values[0 .. length)} to the target and returns the exponent applied. */
  public static int normalize(float[] values, long length) {
    int exponent = exponentFor(values, length);
    apply(values, length, exponent);
    return exponent;
  }
}

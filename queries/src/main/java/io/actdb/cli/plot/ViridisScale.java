package io.actdb.cli.plot;

import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * Maps a value range onto the viridis colour map (dark violet to yellow): perceptually uniform,
 * readable in grey and by colour-blind readers. Values outside the range get the colour of the
 * nearer end; NaN gets none (a transparent paint).
 */
final class ViridisScale implements PaintScale {
  // Ten evenly spaced stops of matplotlib's viridis; colours in between are interpolated in sRGB.
  private static final int[] STOPS = {
    0x440154, 0x482878, 0x3E4989, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C,
    0xFDE725,
  };
  private static final Color NONE = new Color(0, 0, 0, 0);

  private final double lower;
  private final double upper;

  ViridisScale(double lower, double upper) {
    if (!(lower < upper) || !Double.isFinite(lower) || !Double.isFinite(upper)) {
      throw new IllegalArgumentException("bad value range: " + lower + " .. " + upper);
    }
    this.lower = lower;
    this.upper = upper;
  }

  @Override
  public double getLowerBound() {
    return lower;
  }

  @Override
  public double getUpperBound() {
    return upper;
  }

  @Override
  public Paint getPaint(double value) {
    return colour(value);
  }

  /** The colour of {@code value}. */
  Color colour(double value) {
    if (Double.isNaN(value)) {
      return NONE;
    }
    double t = Math.clamp((value - lower) / (upper - lower), 0.0, 1.0);
    double position = t * (STOPS.length - 1);
    int from = Math.min((int) position, STOPS.length - 2);
    double f = position - from;
    Color a = new Color(STOPS[from]);
    Color b = new Color(STOPS[from + 1]);
    return new Color(
        mix(a.getRed(), b.getRed(), f),
        mix(a.getGreen(), b.getGreen(), f),
        mix(a.getBlue(), b.getBlue(), f));
  }

  private static int mix(int a, int b, double f) {
    return (int) Math.round(a + (b - a) * f);
  }
}

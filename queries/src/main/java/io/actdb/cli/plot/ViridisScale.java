package io.actdb.cli.plot;

import java.awt.Color;
import java.awt.Paint;
import net.mahdilamb.colormap.Colormap;
import net.mahdilamb.colormap.reference.sequential.Viridis;
import org.jfree.chart.renderer.PaintScale;

/**
 * Maps a value range onto the viridis colour map (dark violet to yellow): perceptually uniform,
 * readable in grey and by colour-blind readers. Values outside the range get the colour of the
 * nearer end; NaN gets none (a transparent paint).
 */
final class ViridisScale implements PaintScale {
  // Matplotlib's viridis, from a maintained colour-map library (the one QuPath uses).
  private static final Colormap VIRIDIS = new Viridis();
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
    return VIRIDIS.get(Math.clamp((value - lower) / (upper - lower), 0.0, 1.0));
  }
}

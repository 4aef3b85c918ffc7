package io.actdb.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import org.junit.jupiter.api.Test;

/** The heatmaps' palette is matplotlib's viridis, stretched over the value range. */
class ViridisScaleTest {
  @Test
  void endsAndMiddleAreMatplotlibsViridis() {
    ViridisScale scale = new ViridisScale(-1, 1);
    // matplotlib: viridis(0.0) = #440154, viridis(0.5) = #21918c, viridis(1.0) = #fde725.
    assertClose(new Color(0x440154), scale.colour(-1));
    assertClose(new Color(0x21918C), scale.colour(0));
    assertClose(new Color(0xFDE725), scale.colour(1));
    assertClose(new Color(0x440154), scale.colour(-5)); // below the range: the lower end
    assertClose(new Color(0xFDE725), scale.colour(7));
    assertEquals(0, scale.colour(Double.NaN).getAlpha(), "NaN: no colour");
  }

  private static void assertClose(Color want, Color got) {
    int off =
        Math.abs(want.getRed() - got.getRed())
            + Math.abs(want.getGreen() - got.getGreen())
            + Math.abs(want.getBlue() - got.getBlue());
    assertTrue(off <= 3, "want " + want + ", got " + got);
  }
}

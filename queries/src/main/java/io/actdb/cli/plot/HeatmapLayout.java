package io.actdb.cli.plot;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Image size and fonts of a heatmap, from its labels: square cells that shrink as labels are added
 * (so the image still grows, up to a cap), and margins that fit the longest labels.
 */
record HeatmapLayout(int cell, Font tickFont, boolean verticalColumnLabels, int width, int height) {
  private static final int MAX_CELL = 40;
  private static final int MIN_CELL = 8;
  // Cells shrink to keep the matrix within this many pixels a side, until they reach MIN_CELL.
  private static final int MAX_MATRIX_SIDE = 2400;
  private static final int LEGEND_WIDTH = 110;
  private static final int AXIS_TITLE = 30;
  private static final int TITLE = 40;
  private static final int PAD = 20;

  static HeatmapLayout of(HeatmapData data, boolean titled) {
    int rows = data.rowLabels().size();
    int columns = data.columnLabels().size();
    int cell = Math.clamp(MAX_MATRIX_SIDE / Math.max(rows, columns), MIN_CELL, MAX_CELL);
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.clamp(Math.round(cell * 0.6f), 8, 12));
    FontMetrics metrics = metrics(font);
    int rowLabels = widest(metrics, data.rowLabels());
    int columnLabels = widest(metrics, data.columnLabels());
    // Column labels wider than their cell would overlap side by side: turn them upright.
    boolean vertical = columnLabels > cell;
    int columnLabelHeight = vertical ? columnLabels : metrics.getHeight();
    int width = PAD + AXIS_TITLE + rowLabels + columns * cell + LEGEND_WIDTH + PAD;
    int height = PAD + (titled ? TITLE : 0) + rows * cell + columnLabelHeight + AXIS_TITLE + PAD;
    return new HeatmapLayout(cell, font, vertical, width, height);
  }

  /** Font of the numbers printed in cells. */
  Font valueFont() {
    return tickFont.deriveFont(Math.max(8f, cell * 0.27f));
  }

  private static FontMetrics metrics(Font font) {
    Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
    try {
      return g.getFontMetrics(font);
    } finally {
      g.dispose();
    }
  }

  private static int widest(FontMetrics metrics, List<String> labels) {
    int widest = 0;
    for (String label : labels) {
      widest = Math.max(widest, metrics.stringWidth(label));
    }
    return widest + 8;
  }
}

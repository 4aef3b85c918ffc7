package io.actdb.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * Builds the JFreeChart of a heatmap: column i is x = i, row j is y = j (the y axis inverted, so
 * the first row is on top), one 1×1 block per non-empty cell, a colour bar on the right.
 */
final class HeatmapChart {
  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
  private static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

  private HeatmapChart() {}

  static JFreeChart build(
      HeatmapData data,
      HeatmapLayout layout,
      String title,
      String xTitle,
      String yTitle,
      ViridisScale scale,
      boolean cellValues) {
    SymbolAxis x = axis(xTitle, data.columnLabels(), layout);
    x.setVerticalTickLabels(layout.verticalColumnLabels());
    SymbolAxis y = axis(yTitle, data.rowLabels(), layout);
    y.setInverted(true);

    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(scale);
    XYPlot plot = new XYPlot(dataset(data), x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE); // empty cells
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
    plot.setOutlinePaint(Color.GRAY);
    if (cellValues) {
      addValues(plot, data, scale, layout.valueFont());
    }

    JFreeChart chart = new JFreeChart(null, TITLE_FONT, plot, false);
    if (!title.isEmpty()) {
      chart.setTitle(new TextTitle(title, TITLE_FONT));
    }
    chart.setBackgroundPaint(Color.WHITE);
    chart.addSubtitle(colourBar(scale, layout.tickFont()));
    return chart;
  }

  private static SymbolAxis axis(String title, List<String> labels, HeatmapLayout layout) {
    SymbolAxis axis = new SymbolAxis(title, labels.toArray(String[]::new));
    axis.setRange(-0.5, labels.size() - 0.5);
    axis.setGridBandsVisible(false);
    axis.setTickLabelFont(layout.tickFont());
    axis.setLabelFont(AXIS_TITLE_FONT);
    return axis;
  }

  private static DefaultXYZDataset dataset(HeatmapData data) {
    List<double[]> cells = new ArrayList<>();
    for (int row = 0; row < data.rowLabels().size(); row++) {
      for (int column = 0; column < data.columnLabels().size(); column++) {
        double value = data.value(row, column);
        if (!Double.isNaN(value)) {
          cells.add(new double[] {column, row, value});
        }
      }
    }
    double[][] series = new double[3][cells.size()];
    for (int i = 0; i < cells.size(); i++) {
      for (int k = 0; k < 3; k++) {
        series[k][i] = cells.get(i)[k];
      }
    }
    DefaultXYZDataset dataset = new DefaultXYZDataset();
    dataset.addSeries("cells", series);
    return dataset;
  }

  private static void addValues(XYPlot plot, HeatmapData data, ViridisScale scale, Font font) {
    for (int row = 0; row < data.rowLabels().size(); row++) {
      for (int column = 0; column < data.columnLabels().size(); column++) {
        double value = data.value(row, column);
        if (Double.isNaN(value)) {
          continue;
        }
        XYTextAnnotation text = new XYTextAnnotation(format(value), column, row);
        text.setFont(font);
        text.setPaint(contrasting(scale.colour(value)));
        plot.addAnnotation(text, false);
      }
    }
  }

  private static PaintScaleLegend colourBar(ViridisScale scale, Font font) {
    NumberAxis axis = new NumberAxis();
    axis.setRange(scale.getLowerBound(), scale.getUpperBound());
    axis.setTickUnit(new NumberTickUnit(tickUnit(scale.getUpperBound() - scale.getLowerBound())));
    axis.setTickLabelFont(font);
    PaintScaleLegend legend = new PaintScaleLegend(scale, axis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
    legend.setStripWidth(16);
    legend.setSubdivisionCount(256);
    legend.setStripOutlineVisible(true);
    legend.setStripOutlinePaint(Color.GRAY);
    legend.setStripOutlineStroke(new BasicStroke(0.5f));
    legend.setMargin(new RectangleInsets(10, 12, 10, 10));
    return legend;
  }

  /** The smallest of 1, 2, 5 × 10^k that splits {@code range} into at most 10 steps. */
  static double tickUnit(double range) {
    double step = range / 10;
    double power = Math.pow(10, Math.floor(Math.log10(step)));
    for (double factor : new double[] {1, 2, 5}) {
      if (factor * power >= step * (1 - 1e-9)) {
        return factor * power;
      }
    }
    return 10 * power;
  }

  /** Two decimals for values like CKA's; three significant digits for large ones. */
  static String format(double value) {
    return Math.abs(value) < 10
        ? String.format(Locale.ROOT, "%.2f", value)
        : String.format(Locale.ROOT, "%.3g", value);
  }

  /** Black on light cells, white on dark ones (by relative luminance). */
  private static Color contrasting(Color background) {
    double luminance =
        0.2126 * background.getRed()
            + 0.7152 * background.getGreen()
            + 0.0722 * background.getBlue();
    return luminance > 140 ? Color.BLACK : Color.WHITE;
  }
}

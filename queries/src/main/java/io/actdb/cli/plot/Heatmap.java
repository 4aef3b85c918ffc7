package io.actdb.cli.plot;

import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.text.TextUtils;
import org.jfree.svg.SVGGraphics2D;

/**
 * A heatmap of a {@link HeatmapData} matrix, written as PNG and/or SVG: labelled rows and columns,
 * a colour bar with ticks over a fixed value range (default 0..1, CKA's), and each value printed in
 * its cell when the matrix is at most {@value #MAX_SIDE_WITH_VALUES} a side. The image grows with
 * the number of labels. Settings are chained: {@code new Heatmap(data).title("CKA").write(out)}.
 * Drawing needs no display ({@code java.awt.headless} is set unless the caller set it).
 */
public final class Heatmap {
  /** Matrices with at most this many rows and columns get their values printed in the cells. */
  public static final int MAX_SIDE_WITH_VALUES = 12;

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    // JFreeChart's default draws rotated text (the row axis title, upright column labels) as
    // glyph outlines, so SVG loses it as text; the old JDK bug it works around is long fixed.
    TextUtils.setUseDrawRotatedStringWorkaround(false);
  }

  private final HeatmapData data;
  private String title = "";
  private String xTitle = "";
  private String yTitle = "";
  private double min = 0;
  private double max = 1;
  private Boolean cellValues;
  private Set<ImageFormat> formats = EnumSet.allOf(ImageFormat.class);

  /** A heatmap of {@code data} with the defaults: no titles, range 0..1, PNG and SVG. */
  public Heatmap(HeatmapData data) {
    this.data = data;
  }

  /** Writes {@code data} with the defaults; see {@link #write(Path)}. */
  public static List<Path> write(HeatmapData data, Path outWithoutExtension) throws IOException {
    return new Heatmap(data).write(outWithoutExtension);
  }

  /** The title above the chart; empty for none. */
  public Heatmap title(String title) {
    this.title = title == null ? "" : title;
    return this;
  }

  /** The title of the horizontal axis (columns); empty for none. */
  public Heatmap xTitle(String xTitle) {
    this.xTitle = xTitle == null ? "" : xTitle;
    return this;
  }

  /** The title of the vertical axis (rows); empty for none. */
  public Heatmap yTitle(String yTitle) {
    this.yTitle = yTitle == null ? "" : yTitle;
    return this;
  }

  /**
   * The values the colour bar spans; values outside it get the colour of the nearer end.
   *
   * @throws IllegalArgumentException unless {@code min < max}, both finite
   */
  public Heatmap range(double min, double max) {
    new ViridisScale(min, max); // validates
    this.min = min;
    this.max = max;
    return this;
  }

  /** Whether to print each value in its cell; by default only for small matrices. */
  public Heatmap cellValues(boolean cellValues) {
    this.cellValues = cellValues;
    return this;
  }

  /**
   * The files to write, at least one.
   *
   * @throws IllegalArgumentException if {@code formats} is empty
   */
  public Heatmap formats(Collection<ImageFormat> formats) {
    if (formats.isEmpty()) {
      throw new IllegalArgumentException("no image format");
    }
    this.formats = EnumSet.copyOf(formats);
    return this;
  }

  /** Width of the image in pixels. */
  public int width() {
    return layout().width();
  }

  /** Height of the image in pixels. */
  public int height() {
    return layout().height();
  }

  /**
   * Writes {@code <out>.png} and/or {@code <out>.svg}, replacing existing files and creating
   * missing parent directories.
   *
   * @return the files written, PNG first
   */
  public List<Path> write(Path outWithoutExtension) throws IOException {
    Path parent = outWithoutExtension.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    HeatmapLayout layout = layout();
    JFreeChart chart = chart(layout);
    List<Path> written = new ArrayList<>();
    for (ImageFormat format : formats) {
      Path file =
          outWithoutExtension.resolveSibling(
              outWithoutExtension.getFileName() + "." + format.extension());
      switch (format) {
        case PNG -> writePng(chart, layout, file);
        case SVG -> writeSvg(chart, layout, file);
      }
      written.add(file);
    }
    return written;
  }

  /** The area the cells fill in the PNG image, for tests that look at pixels. */
  Rectangle2D cellArea() throws IOException {
    HeatmapLayout layout = layout();
    ChartRenderingInfo info = new ChartRenderingInfo();
    ChartUtils.writeChartAsPNG(
        OutputStream.nullOutputStream(), chart(layout), layout.width(), layout.height(), info);
    return info.getPlotInfo().getDataArea();
  }

  private HeatmapLayout layout() {
    return HeatmapLayout.of(data, !title.isEmpty());
  }

  private JFreeChart chart(HeatmapLayout layout) {
    boolean small =
        data.rowLabels().size() <= MAX_SIDE_WITH_VALUES
            && data.columnLabels().size() <= MAX_SIDE_WITH_VALUES;
    return HeatmapChart.build(
        data,
        layout,
        title,
        xTitle,
        yTitle,
        new ViridisScale(min, max),
        cellValues == null ? small : cellValues);
  }

  private static void writePng(JFreeChart chart, HeatmapLayout layout, Path file)
      throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      ChartUtils.writeChartAsPNG(out, chart, layout.width(), layout.height());
    }
  }

  private static void writeSvg(JFreeChart chart, HeatmapLayout layout, Path file)
      throws IOException {
    SVGGraphics2D svg = new SVGGraphics2D(layout.width(), layout.height());
    chart.draw(svg, new Rectangle2D.Double(0, 0, layout.width(), layout.height()));
    // Not getSVGDocument(): its DOCTYPE names a DTD on the web, which XML readers may fetch.
    Files.writeString(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg.getSVGElement());
  }
}

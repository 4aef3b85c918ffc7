package io.actdb.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** Heatmaps written as files and read back: PNG pixels, SVG text, sizes. */
class HeatmapTest {
  // The two ends of viridis as published with matplotlib: the colours of the range's ends.
  private static final int VIRIDIS_LOW = 0x440154;
  private static final int VIRIDIS_HIGH = 0xFDE725;

  @TempDir Path dir;

  private static HeatmapData square(int n) {
    List<String> labels = IntStream.range(0, n).mapToObj(i -> "layer" + i).toList();
    double[][] values = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        values[i][j] = i == j ? 1 : 0.5;
      }
    }
    return new HeatmapData(labels, labels, values);
  }

  @Test
  void writesPngThenSvgNextToTheGivenPath() throws IOException {
    List<Path> written = Heatmap.write(square(2), dir.resolve("sub/cka"));

    assertEquals(List.of(dir.resolve("sub/cka.png"), dir.resolve("sub/cka.svg")), written);
    assertTrue(Files.size(written.get(0)) > 0);
    assertTrue(Files.size(written.get(1)) > 0);
  }

  @Test
  void pngDecodesAtTheAnnouncedSizeWhichGrowsWithTheLabels() throws IOException {
    Heatmap small = new Heatmap(square(3)).formats(EnumSet.of(ImageFormat.PNG));
    Heatmap large = new Heatmap(square(30)).formats(EnumSet.of(ImageFormat.PNG));

    BufferedImage smallImage = ImageIO.read(small.write(dir.resolve("small")).getFirst().toFile());
    BufferedImage largeImage = ImageIO.read(large.write(dir.resolve("large")).getFirst().toFile());

    assertNotNull(smallImage);
    assertNotNull(largeImage);
    assertEquals(small.width(), smallImage.getWidth());
    assertEquals(small.height(), smallImage.getHeight());
    assertTrue(largeImage.getWidth() > smallImage.getWidth(), "width grows");
    assertTrue(largeImage.getHeight() > smallImage.getHeight(), "height grows");
    assertTrue(new Heatmap(square(200)).width() >= large.width(), "still grows when cells shrink");
  }

  @Test
  void cellsTakeTheirColourFromTheValue() throws IOException {
    // Row 0 is on top, column 0 on the left; the equal cells are in different rows and columns.
    double[][] values = {
      {0.5, 0.2, 1.0},
      {0.0, 0.7, 0.5},
    };
    HeatmapData data = new HeatmapData(List.of("r0", "r1"), List.of("c0", "c1", "c2"), values);
    Heatmap heatmap = new Heatmap(data).cellValues(false).formats(EnumSet.of(ImageFormat.PNG));
    BufferedImage image = ImageIO.read(heatmap.write(dir.resolve("colours")).getFirst().toFile());
    Rectangle2D area = heatmap.cellArea();

    int max = centre(image, area, 2, 3, 0, 2);
    int min = centre(image, area, 2, 3, 1, 0);
    assertEquals(VIRIDIS_HIGH, max, hex(max));
    assertEquals(VIRIDIS_LOW, min, hex(min));
    assertNotEquals(max, min);
    assertEquals(centre(image, area, 2, 3, 0, 0), centre(image, area, 2, 3, 1, 2));
    assertNotEquals(centre(image, area, 2, 3, 0, 1), centre(image, area, 2, 3, 1, 1));
  }

  @Test
  void rangeIsFixedAndClampsOutsideValues() throws IOException {
    // With range 10..20, 20 and 35 both get the top colour, 10 and -3 the bottom one.
    double[][] values = {{20, 35, 10, -3, Double.NaN}};
    HeatmapData data = new HeatmapData(List.of("r"), List.of("a", "b", "c", "d", "e"), values);
    Heatmap heatmap =
        new Heatmap(data).range(10, 20).cellValues(false).formats(EnumSet.of(ImageFormat.PNG));
    BufferedImage image = ImageIO.read(heatmap.write(dir.resolve("range")).getFirst().toFile());
    Rectangle2D area = heatmap.cellArea();

    assertEquals(VIRIDIS_HIGH, centre(image, area, 1, 5, 0, 0));
    assertEquals(VIRIDIS_HIGH, centre(image, area, 1, 5, 0, 1));
    assertEquals(VIRIDIS_LOW, centre(image, area, 1, 5, 0, 2));
    assertEquals(VIRIDIS_LOW, centre(image, area, 1, 5, 0, 3));
    assertEquals(0xFFFFFF, centre(image, area, 1, 5, 0, 4), "an empty cell shows the background");
  }

  @Test
  void svgIsXmlWithEveryLabelAndTheTitleAsText() throws Exception {
    List<String> rows = List.of("conv1", "layer1 <a & b>", "fc");
    List<String> columns = List.of("resnet.\"block\"", "vgg 'pool'");
    double[][] values = {{0.1, 0.2}, {0.3, 0.4}, {0.5, Double.NaN}};
    Path svg =
        new Heatmap(new HeatmapData(rows, columns, values))
            .title("CKA: resnet vs vgg")
            .xTitle("vgg layers")
            .yTitle("resnet layers")
            .formats(EnumSet.of(ImageFormat.SVG))
            .write(dir.resolve("labels"))
            .getFirst();

    List<String> texts = texts(svg);
    for (String expected : List.of("CKA: resnet vs vgg", "vgg layers", "resnet layers")) {
      assertTrue(texts.contains(expected), expected + " in " + texts);
    }
    for (String label : rows) {
      assertTrue(texts.contains(label), label + " in " + texts);
    }
    for (String label : columns) {
      assertTrue(texts.contains(label), label + " in " + texts);
    }
    assertTrue(texts.contains("0.40"), "small matrices print their values: " + texts);
    assertFalse(texts.contains("NaN"), "an empty cell prints nothing: " + texts);
  }

  @Test
  void largeMatricesDoNotPrintValues() throws Exception {
    Path svg =
        new Heatmap(square(Heatmap.MAX_SIDE_WITH_VALUES + 1))
            .formats(EnumSet.of(ImageFormat.SVG))
            .write(dir.resolve("large"))
            .getFirst();

    List<String> texts = texts(svg);
    assertTrue(texts.contains("layer12"), texts.toString());
    assertFalse(texts.contains("0.50"), texts.toString());
  }

  @Test
  void colourBarTicksSplitTheRangeInAtMostTenNiceSteps() {
    assertEquals(0.1, HeatmapChart.tickUnit(1), 1e-12);
    assertEquals(0.5, HeatmapChart.tickUnit(3), 1e-12);
    assertEquals(0.2, HeatmapChart.tickUnit(2), 1e-12);
    assertEquals(50, HeatmapChart.tickUnit(250), 1e-9);
    assertEquals(10, HeatmapChart.tickUnit(60), 1e-9);
  }

  @Test
  void badSettingsAreRefused() {
    Heatmap heatmap = new Heatmap(square(2));
    assertThrows(IllegalArgumentException.class, () -> heatmap.range(1, 1));
    assertThrows(IllegalArgumentException.class, () -> heatmap.range(0, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> heatmap.formats(List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new HeatmapData(List.of("a"), List.of("x", "y"), new double[][] {{1}}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new HeatmapData(List.of("a", "a"), List.of("x"), new double[][] {{1}, {2}}));
  }

  /** The RGB of the pixel at the centre of cell (row, column) of a rows × columns matrix. */
  private static int centre(
      BufferedImage image, Rectangle2D area, int rows, int columns, int row, int column) {
    double x = area.getX() + (column + 0.5) * area.getWidth() / columns;
    double y = area.getY() + (row + 0.5) * area.getHeight() / rows;
    return image.getRGB((int) x, (int) y) & 0xFFFFFF;
  }

  private static String hex(int rgb) {
    return String.format("#%06X", rgb);
  }

  /** The content of every {@code <text>} element, in document order. */
  private static List<String> texts(Path svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    Document document = factory.newDocumentBuilder().parse(svg.toFile());
    NodeList nodes = document.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      texts.add(nodes.item(i).getTextContent());
    }
    return texts;
  }
}

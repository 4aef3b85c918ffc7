package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code actdb plot heatmap} run in-process: files, order, errors and exit codes. */
class PlotCommandTest {
  // Rows deliberately not in alphabetical order: the query's ORDER BY must win.
  private static final String CKA_QUERY =
      """
      SELECT a, b, v FROM (VALUES
        ('zeta', 'x', 0.9, 1), ('zeta', 'y', 0.2, 1),
        ('alpha', 'x', 0.4, 2), ('alpha', 'y', 1.0, 2),
        ('mid', 'x', 0.0, 3), ('mid', 'y', 0.6, 3)) t(a, b, v, k)
      ORDER BY k
      """;

  @TempDir Path dir;

  @Test
  void writesPngAndSvgAndPrintsTheirPaths() throws IOException {
    Path out = dir.resolve("cka");

    Cli.Result result =
        Cli.run("plot", "heatmap", "-c", CKA_QUERY, "--out", out.toString(), "--title", "CKA");

    assertEquals(0, result.status(), result.err());
    assertEquals(out + ".png\n" + out + ".svg\n", result.out());
    assertNotNull(ImageIO.read(dir.resolve("cka.png").toFile()));
    assertTrue(Files.readString(dir.resolve("cka.svg")).contains(">CKA<"));
  }

  @Test
  void rowsFollowTheQueryOrder() throws Exception {
    Path out = dir.resolve("order");
    Cli.Result result = Cli.run("plot", "heatmap", "-c", CKA_QUERY, "--out", out.toString());
    assertEquals(0, result.status(), result.err());

    // Row labels are horizontal text: a smaller y is higher up in the image.
    Map<String, Double> y = textY(dir.resolve("order.svg"));
    assertTrue(y.get("zeta") < y.get("alpha"), y.toString());
    assertTrue(y.get("alpha") < y.get("mid"), y.toString());
  }

  @Test
  void scriptFileWithSetupStatementsAndOneFormat() throws IOException {
    Path script = dir.resolve("cka.sql");
    Files.writeString(
        script,
        """
        CREATE TABLE m AS SELECT 'l' || i AS a, 'l' || j AS b, 1.0 / (1 + abs(i - j)) AS v
        FROM range(4) r(i), range(4) s(j);
        SELECT * FROM m ORDER BY a, b;
        """);

    Cli.Result result =
        Cli.run(
            "plot",
            "heatmap",
            "-f",
            script.toString(),
            "--out",
            dir.resolve("m.png").toString(),
            "--format",
            "png");

    assertEquals(0, result.status(), result.err());
    assertEquals(dir.resolve("m.png") + "\n", result.out(), "the .png given is not doubled");
    assertTrue(Files.exists(dir.resolve("m.png")));
    assertFalse(Files.exists(dir.resolve("m.svg")));
  }

  @Test
  void badResultsExitWithOneAndSayWhatIsWrong() {
    assertFails("SELECT 'a' AS row_label, 1 AS v", "must return 3 columns", "returns 2");
    assertFails("SELECT 'a', 'b', 'high' AS cka", "must be numeric", "'cka' is VARCHAR");
    assertFails(
        "SELECT * FROM (VALUES ('a', 'b', 1), ('a', 'b', 2))",
        "two values for the cell of row 'a' and column 'b'");
    assertFails("SELECT 'a', 'b', 1 WHERE false", "no rows");
    assertFails("SELECT * FROM no_such_table", "no_such_table");
    assertFails("CREATE TABLE t (i INTEGER)", "last statement must be a query");
  }

  @Test
  void usageErrorsExitWithTwo() {
    String out = dir.resolve("u").toString();
    assertEquals(2, Cli.run("plot", "heatmap", "-c", CKA_QUERY).status(), "no --out");
    assertEquals(2, Cli.run("plot", "heatmap", "--out", out).status(), "no query");
    assertEquals(2, Cli.run("plot").status(), "no chart");

    Cli.Result range =
        Cli.run("plot", "heatmap", "-c", CKA_QUERY, "--out", out, "--min", "1", "--max", "0");
    assertEquals(2, range.status());
    assertTrue(range.err().contains("--min must be below --max"), range.err());

    Cli.Result format =
        Cli.run("plot", "heatmap", "-c", CKA_QUERY, "--out", out, "--format", "png,gif");
    assertEquals(2, format.status());
    assertTrue(format.err().contains("unknown image format 'gif'"), format.err());
    assertEquals(List.of(), files());
  }

  private void assertFails(String query, String... expected) {
    Cli.Result result =
        Cli.run("plot", "heatmap", "-c", query, "--out", dir.resolve("bad").toString());

    assertEquals(1, result.status(), query);
    assertEquals("", result.out());
    for (String text : expected) {
      assertTrue(result.err().contains(text), result.err());
    }
    assertEquals(List.of(), files(), "nothing is written");
  }

  private List<Path> files() {
    try (var list = Files.list(dir)) {
      return list.toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The y coordinate of every {@code <text>} element of an SVG file, by its content. */
  private static Map<String, Double> textY(Path svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    NodeList nodes =
        factory
            .newDocumentBuilder()
            .parse(svg.toFile())
            .getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
    Map<String, Double> y = new HashMap<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element text = (Element) nodes.item(i);
      y.put(text.getTextContent(), Double.parseDouble(text.getAttribute("y")));
    }
    return y;
  }
}

package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.cli.demo.ExperimentScript;
import io.actdb.cli.demo.ResultTable;
import io.actdb.sql.StoreConnections;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code actdb demo --quick} end to end: it trains, extracts and reports; then every script of
 * queries/sql/ is run again on the store it left and its table checked for shape and for properties
 * that hold whatever the trained weights (value ranges, CKA of a layer with itself = 1, a symmetric
 * self-similarity matrix, the same-group GeomCA quality near 1/2).
 */
class DemoCommandTest {
  @TempDir static Path dir;
  static Cli.Result run;

  @BeforeAll
  static void runDemo() {
    run = Cli.run("demo", "--quick", "--embedded-only", "--dir", dir.toString(), "--device", "cpu");
  }

  @Test
  void finishesAndWritesAReportWithHeatmaps() throws Exception {
    assertEquals(0, run.status(), run.err() + run.out());
    Path report = dir.resolve("report/README.md");
    String md = Files.readString(report);
    for (String script :
        List.of(
            "class_groups.sql",
            "train_vs_test.sql",
            "cka_matrix.sql",
            "overfitting.sql",
            "layer_identification.sql")) {
      assertTrue(md.contains("## queries/sql/" + script), script + " missing from the report");
    }
    try (var images = Files.list(dir.resolve("report/images"))) {
      List<Path> png = images.filter(p -> p.toString().endsWith(".png")).toList();
      assertEquals(10, png.size(), "5 CKA matrices x (linear, debiased)");
      for (Path p : png) {
        BufferedImage image = ImageIO.read(p.toFile());
        assertNotNull(image, p + " does not decode");
        assertTrue(Files.exists(Path.of(p.toString().replace(".png", ".svg"))));
        assertTrue(md.contains("images/" + p.getFileName()), p + " not linked from the report");
      }
    }
  }

  @Test
  void aSecondRunReusesModelsAndStore() {
    assertEquals(0, run.status(), run.err());
    Cli.Result again =
        Cli.run("demo", "--quick", "--embedded-only", "--dir", dir.toString(), "--device", "cpu");
    assertEquals(0, again.status(), again.err());
    assertTrue(again.out().contains("cnn-s1: reusing"), again.out());
    assertTrue(again.out().contains("0 layers (7 already stored)"), again.out());
  }

  @Test
  void classGroupTablesHaveEveryPairAndTheSameGroupBenchmark() throws Exception {
    ResultTable t =
        script(
            "class_groups.sql",
            Map.of("model", "'cnn-s1'", "layers", "['conv3', 'fc1']", "split", "'train'"));
    assertEquals(12, t.rows().size(), "2 layers x 6 group pairs (lower triangle with diagonal)");
    for (int r = 0; r < t.rows().size(); r++) {
      for (String c :
          List.of(
              "ipr_precision",
              "ipr_recall",
              "geomca_precision",
              "geomca_recall",
              "largest_component_quality")) {
        double v = t.number(r, c);
        assertTrue(v >= 0 && v <= 1, c + " = " + v);
      }
      if (t.text(r, "reference").equals(t.text(r, "evaluation"))) {
        // Two halves of one group: the largest component mixes them about evenly.
        double q = t.number(r, "largest_component_quality");
        assertTrue(q > 0.35 && q < 0.65, "same-group quality " + q);
      }
    }
  }

  @Test
  void trainVsTestHasBothComparisonsPerGroup() throws Exception {
    ResultTable t =
        script("train_vs_test.sql", Map.of("model", "'cnn-s1'", "layers", "['conv3', 'fc1']"));
    assertEquals(12, t.rows().size(), "2 layers x 3 groups x 2 comparisons");
    for (int r = 0; r < t.rows().size(); r++) {
      double p = t.number(r, "ipr_precision");
      assertTrue(p >= 0 && p <= 1);
    }
  }

  @Test
  void ckaOfAModelWithItselfIsOneOnTheDiagonalAndSymmetric() throws Exception {
    ResultTable t =
        script(
            "cka_matrix.sql",
            Map.of("model_a", "'cnn-s1'", "model_b", "'cnn-s1'", "split", "'test'"));
    assertEquals(49, t.rows().size());
    for (int r = 0; r < t.rows().size(); r++) {
      String a = t.text(r, "layer_a");
      String b = t.text(r, "layer_b");
      double v = t.number(r, "cka");
      assertTrue(v >= 0 && v <= 1 + 1e-9, a + "/" + b + " = " + v);
      if (a.equals(b)) assertEquals(1.0, v, 1e-3);
      for (int s = 0; s < t.rows().size(); s++) {
        if (t.text(s, "layer_a").equals(b) && t.text(s, "layer_b").equals(a))
          assertEquals(v, t.number(s, "cka"), 1e-3);
      }
    }
  }

  @Test
  void overfittingAndLayerIdentificationTables() throws Exception {
    ResultTable o =
        script(
            "overfitting.sql",
            Map.of(
                "early",
                "'cnn-overfit-e002'",
                "late",
                "'cnn-overfit-e006'",
                "train_size",
                "500",
                "test_size",
                "500"));
    assertEquals(7, o.rows().size());
    for (int r = 0; r < o.rows().size(); r++) {
      assertEquals(500, o.number(r, "n_train"));
      assertEquals(500, o.number(r, "n_test"));
      double v = o.number(r, "cka_train");
      assertTrue(v > 0 && v <= 1 + 1e-9, "cka " + v);
    }
    ResultTable id = script("layer_identification.sql", Map.of());
    assertEquals(
        List.of("CKA (linear)", "CKA (debiased linear)", "CKA (RBF 0.4)"),
        id.rows().stream().map(r -> (String) r.get(0)).toList());
    for (int r = 0; r < 3; r++) {
      assertEquals(36, id.number(r, "trials"), "6 ordered model pairs x 6 layers");
      double acc = id.number(r, "accuracy_percent");
      assertTrue(acc >= 0 && acc <= 100);
    }
  }

  /** Runs a script from queries/sql/ on the demo's store; returns its last query's result. */
  private static ResultTable script(String name, Map<String, String> variables) throws Exception {
    assertEquals(0, run.status(), run.err());
    ExperimentScript script = ExperimentScript.load(name);
    ResultTable last = null;
    try (Connection c = StoreConnections.open(dir.resolve("store"));
        Statement st = c.createStatement()) {
      for (var v : variables.entrySet())
        st.execute("SET VARIABLE " + v.getKey() + " = " + v.getValue());
      for (SqlScript.Statement s : SqlScript.split(script.text())) {
        if (st.execute(s.sql())) {
          try (ResultSet rs = st.getResultSet()) {
            last = ResultTable.of(name, rs);
          }
        }
      }
    }
    assertNotNull(last, name + " returned no table");
    return last;
  }
}

package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code actdb demo --quick} end to end: it trains, extracts and reports; then every script of
 * queries/sql/ is run again on the store it left and its table checked for shape and for properties
 * that hold whatever the trained weights (value ranges, CKA of a layer with itself = 1, a symmetric
 * self-similarity matrix, the same-group GeomCA quality near 1/2). The pretrained text encoders'
 * part is checked the same way: forward layer order in tables and heatmaps, CKA's diagonal, the
 * layer-identification trials, and the nearest-centroid accuracy against a plain-Java twin.
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
            "pca_class_groups.sql",
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
  void theReportCitesTheWorksByAuthorTitleAndYear() throws Exception {
    assertEquals(0, run.status(), run.err());
    String md = Files.readString(dir.resolve("report/README.md"));
    for (String seedNumber : List.of("seed 000", "seed 002", "seed figure")) {
      assertFalse(md.contains(seedNumber), "the report still says '" + seedNumber + "'");
    }
    String references = md.substring(md.indexOf("## References"));
    assertTrue(
        references.contains(
            "1. Simon Kornblith, Mohammad Norouzi, Honglak Lee, Geoffrey Hinton. *Similarity of"
                + " Neural Network Representations Revisited.*"),
        references);
    assertTrue(references.contains("(ICML), 2019."), references);
    assertTrue(
        references.contains(
            "2. *Structural Comparison of Data Representations Obtained from Deep Learning"
                + " Models.* Master's thesis, KTH Royal Institute of Technology"),
        references);
    assertTrue(md.contains("Reproduces the KTH thesis §4.1.1"), md);
    assertTrue(md.contains("sanity check of Kornblith et al. (2019), §6.1"), md);
  }

  @Test
  void aSecondRunReusesModelsAndStore() {
    assertEquals(0, run.status(), run.err());
    Cli.Result again =
        Cli.run("demo", "--quick", "--embedded-only", "--dir", dir.toString(), "--device", "cpu");
    assertEquals(0, again.status(), again.err());
    assertTrue(again.out().contains("cnn-s1: reusing"), again.out());
    assertTrue(again.out().contains("0 layers (7 already stored)"), again.out());
    assertTrue(
        again.out().contains("extracted minilm-l6: 0 layers (7 already stored)"), again.out());
    assertTrue(
        again.out().contains("extracted bge-small: 0 layers (13 already stored)"), again.out());
    assertTrue(
        again.out().contains("extracted e5-small: 0 layers (13 already stored)"), again.out());
  }

  static final List<String> MINILM_LAYERS = forwardLayers(6);
  static final List<String> BGE_E5_LAYERS = forwardLayers(12);

  @Test
  void theTextPartReportsItsScriptsAndForwardOrderedHeatmaps() throws Exception {
    assertEquals(0, run.status(), run.err());
    String md = Files.readString(dir.resolve("report/README.md"));
    assertTrue(md.contains("## Pretrained text encoders: minilm-l6, bge-small, e5-small"), md);
    assertTrue(md.contains("## queries/sql/category_separation.sql"), md);
    assertTrue(md.contains("model_a = 'bge-small', model_b = 'e5-small'"), md);
    assertTrue(md.contains("## What the pretrained encoders show"), md);
    Map<String, List<String>> expected =
        Map.of(
            "cka_minilm-l6_vs_minilm-l6", MINILM_LAYERS,
            "cka_debiased_minilm-l6_vs_minilm-l6", MINILM_LAYERS,
            "cka_bge-small_vs_e5-small", BGE_E5_LAYERS,
            "cka_debiased_bge-small_vs_e5-small", BGE_E5_LAYERS);
    for (var e : expected.entrySet()) {
      Path png = dir.resolve("report/images/text/" + e.getKey() + ".png");
      assertNotNull(ImageIO.read(png.toFile()), png + " does not decode");
      assertTrue(md.contains("images/text/" + e.getKey() + ".png"), e.getKey() + " not linked");
      String svg = Files.readString(dir.resolve("report/images/text/" + e.getKey() + ".svg"));
      List<String> axisLabels = new ArrayList<>();
      Matcher m = Pattern.compile(">(embeddings|layer\\d+)</text>").matcher(svg);
      while (m.find()) if (!axisLabels.contains(m.group(1))) axisLabels.add(m.group(1));
      assertEquals(e.getValue(), axisLabels, e.getKey() + ": axis labels not in forward order");
    }
  }

  @Test
  void quickTakesTheFirstFortySentencesOfEachClass() throws Exception {
    assertEquals(0, run.status(), run.err());
    try (Connection c = StoreConnections.open(dir.resolve("store"));
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT label_name, count(*), count(*) FILTER (WHERE split = 'test')"
                    + " FROM samples WHERE label_name LIKE 'noun.%' GROUP BY ALL")) {
      int classes = 0;
      while (rs.next()) {
        classes++;
        assertEquals(40, rs.getInt(2), rs.getString(1));
        assertEquals(8, rs.getInt(3), rs.getString(1) + ": every 5th of a class is test");
      }
      assertEquals(10, classes);
    }
  }

  @Test
  void textCkaIsOneOnTheDiagonalWithinAModelAndInForwardOrder() throws Exception {
    ResultTable within =
        script(
            "cka_matrix.sql",
            Map.of("model_a", "'minilm-l6'", "model_b", "'minilm-l6'", "split", "'test'"));
    assertEquals(49, within.rows().size());
    assertEquals(MINILM_LAYERS, TextDemo.rowLabels(within));
    for (int r = 0; r < within.rows().size(); r++) {
      if (within.text(r, "layer_a").equals(within.text(r, "layer_b")))
        assertEquals(1.0, within.number(r, "cka"), 1e-3);
    }
    ResultTable between =
        script(
            "cka_matrix.sql",
            Map.of("model_a", "'bge-small'", "model_b", "'e5-small'", "split", "'test'"));
    assertEquals(169, between.rows().size(), "13 x 13 with the embeddings");
    assertEquals(BGE_E5_LAYERS, TextDemo.rowLabels(between));
    for (int r = 0; r < between.rows().size(); r++) {
      double v = between.number(r, "cka");
      assertTrue(v > 0 && v < 1, "two different models are not identical: " + v);
    }
  }

  @Test
  void layerIdentificationBetweenBgeAndE5HasTwentySixTrials() throws Exception {
    ResultTable id =
        script(
            "layer_identification.sql",
            Map.of(
                "models", "['bge-small', 'e5-small']",
                "exclude_layers", "[]::VARCHAR[]",
                "split", "'test'"));
    String md = Files.readString(dir.resolve("report/README.md"));
    for (int r = 0; r < 3; r++) {
      assertEquals(26, id.number(r, "trials"), "2 directions x 13 layers");
      double acc = id.number(r, "accuracy_percent");
      assertTrue(acc >= 0 && acc <= 100);
    }
    assertTrue(
        md.contains(
            String.format(
                Locale.ROOT,
                "finds the corresponding layer in %.1f %% of 26 trials",
                id.number(0, "accuracy_percent"))),
        "the report's sentence is not the measured value");
  }

  @Test
  void categorySeparationHasEveryLayerOfEveryModelInForwardOrder() throws Exception {
    ResultTable t =
        script(
            "category_separation.sql",
            Map.of("models", "['minilm-l6', 'bge-small', 'e5-small']", "split", "'train'"));
    List<String> expected = new ArrayList<>();
    for (String layer : MINILM_LAYERS) expected.add("minilm-l6/" + layer);
    for (String layer : BGE_E5_LAYERS) expected.add("bge-small/" + layer);
    for (String layer : BGE_E5_LAYERS) expected.add("e5-small/" + layer);
    List<String> got = new ArrayList<>();
    for (int r = 0; r < t.rows().size(); r++) {
      got.add(t.text(r, "model") + "/" + t.text(r, "layer"));
      for (String c :
          List.of(
              "ipr_precision_same",
              "ipr_precision_cross",
              "ipr_recall_same",
              "ipr_recall_cross",
              "geomca_precision_same",
              "geomca_precision_cross",
              "quality_same",
              "quality_cross",
              "centroid_accuracy")) {
        double v = t.number(r, c);
        assertTrue(v >= 0 && v <= 1, c + " = " + v);
      }
      // two halves of one group: the largest component mixes them about evenly
      double q = t.number(r, "quality_same");
      assertTrue(q > 0.35 && q < 0.65, "same-group quality " + q);
      assertEquals(80, t.number(r, "n_test"), "8 test sentences x 10 classes");
    }
    assertEquals(expected, got);
  }

  @Test
  void nearestCentroidAccuracyMatchesAPlainJavaTwin() throws Exception {
    ResultTable t =
        script("category_separation.sql", Map.of("models", "['e5-small']", "split", "'train'"));
    for (String layer : List.of("embeddings", "layer11")) {
      double sql = Double.NaN;
      for (int r = 0; r < t.rows().size(); r++)
        if (t.text(r, "layer").equals(layer)) sql = t.number(r, "centroid_accuracy");
      assertEquals(nearestCentroidAccuracy("e5-small", layer), sql, 1e-3, layer);
    }
  }

  /** Class means of the training vectors; each test vector takes the class of highest cosine. */
  private static double nearestCentroidAccuracy(String model, String layer) throws Exception {
    Map<String, double[]> sums = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    List<String> testLabels = new ArrayList<>();
    List<float[]> testVectors = new ArrayList<>();
    try (Connection c = StoreConnections.open(dir.resolve("store"));
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT s.label_name, s.split, a.vec::FLOAT[] FROM layer('"
                    + model
                    + "', '"
                    + layer
                    + "') a JOIN samples s USING (sample_id) ORDER BY a.sample_id")) {
      while (rs.next()) {
        Object[] boxed = (Object[]) rs.getArray(3).getArray();
        float[] v = new float[boxed.length];
        for (int i = 0; i < v.length; i++) v[i] = ((Number) boxed[i]).floatValue();
        if (rs.getString(2).equals("train")) {
          double[] sum = sums.computeIfAbsent(rs.getString(1), k -> new double[v.length]);
          for (int i = 0; i < v.length; i++) sum[i] += v[i];
          counts.merge(rs.getString(1), 1, Integer::sum);
        } else {
          testLabels.add(rs.getString(1));
          testVectors.add(v);
        }
      }
    }
    int correct = 0;
    for (int n = 0; n < testVectors.size(); n++) {
      String best = null;
      double bestCosine = Double.NEGATIVE_INFINITY;
      for (var e : sums.entrySet()) {
        double dot = 0;
        double a2 = 0;
        double b2 = 0;
        for (int i = 0; i < e.getValue().length; i++) {
          double centroid = e.getValue()[i] / counts.get(e.getKey());
          dot += testVectors.get(n)[i] * centroid;
          a2 += testVectors.get(n)[i] * (double) testVectors.get(n)[i];
          b2 += centroid * centroid;
        }
        double cosine = dot / Math.sqrt(a2 * b2);
        if (cosine > bestCosine) {
          bestCosine = cosine;
          best = e.getKey();
        }
      }
      if (best.equals(testLabels.get(n))) correct++;
    }
    assertEquals(80, testVectors.size());
    return correct / (double) testVectors.size();
  }

  private static List<String> forwardLayers(int blocks) {
    List<String> layers = new ArrayList<>(List.of("embeddings"));
    for (int i = 0; i < blocks; i++) layers.add("layer" + i);
    return layers;
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
  void pcaClassGroupsScoresEveryPairWithAndWithoutPcaBesideTheThesis() throws Exception {
    Map<String, String> variables =
        Map.of("model", "'cnn-s1'", "layers", "['conv3', 'fc1']", "split", "'train'", "k", "8");
    List<ResultTable> tables = scripts("pca_class_groups.sql", variables);
    assertEquals(2, tables.size(), "the scores, then the summary beside the thesis");
    ResultTable scores = tables.get(0);
    assertEquals(24, scores.rows().size(), "2 layers x 2 sizes x 6 group pairs");
    for (int r = 0; r < scores.rows().size(); r++) {
      for (String measure : List.of("ipr_precision", "ipr_recall", "geomca_precision")) {
        for (String suffix : List.of("", "_pca")) {
          double v = scores.number(r, measure + suffix);
          assertTrue(v >= 0 && v <= 1, measure + suffix + " = " + v);
        }
      }
      if (scores.text(r, "points").equals("fewer")) {
        assertTrue(scores.number(r, "n_r") <= 100 && scores.number(r, "n_e") <= 100);
      }
    }
    ResultTable summary = tables.get(1);
    List<String> representations = new ArrayList<>();
    for (int r = 0; r < summary.rows().size(); r++) {
      representations.add(summary.text(r, "representation"));
    }
    assertTrue(representations.contains("demo: conv3"), representations.toString());
    assertTrue(representations.contains("thesis: AlexNet-FC"), representations.toString());
    assertTrue(summary.text(0, "pca").startsWith("8 of 64 dims"), summary.text(0, "pca"));
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

  @Test
  void figureTwoAndTableTwoOfSeed002() throws Exception {
    assertEquals(0, run.status(), run.err());
    try (var images = Files.list(dir.resolve("report/images/figure2"))) {
      List<String> png =
          images
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".png"))
              .sorted()
              .toList();
      assertEquals(
          List.of("cca_rho_mean_cnn-s1_vs_cnn-s2.png", "linreg_r2_cnn-s1_vs_cnn-s2.png"), png);
    }
    String md = Files.readString(dir.resolve("report/README.md"));
    assertTrue(
        md.contains("## queries/sql/cca_matrix.sql"), "cca_matrix.sql missing from the report");
    assertTrue(md.contains("paper_percent") && md.contains("SVCCA (R²)"), "Table 2 missing");
    // A layer against itself: every canonical correlation and the regression R² are 1.
    ResultTable self =
        script("cca_matrix.sql", Map.of("model_a", "'cnn-s1'", "model_b", "'cnn-s1'"));
    assertEquals(49, self.rows().size());
    for (int r = 0; r < self.rows().size(); r++) {
      double rho = self.number(r, "cca_rho_mean");
      double r2 = self.number(r, "linreg_r2");
      assertTrue(rho >= 0 && rho <= 1 && r2 >= 0 && r2 <= 1, rho + " " + r2);
      if (self.text(r, "layer_a").equals(self.text(r, "layer_b"))) {
        assertEquals(1.0, rho, 1e-3, self.text(r, "layer_a"));
        assertEquals(1.0, r2, 1e-3, self.text(r, "layer_a"));
      }
    }
  }

  /** Runs a script from queries/sql/ on the demo's store; returns its queries' results in order. */
  private static List<ResultTable> scripts(String name, Map<String, String> variables)
      throws Exception {
    assertEquals(0, run.status(), run.err());
    ExperimentScript script = ExperimentScript.load(name);
    List<ResultTable> tables = new ArrayList<>();
    try (Connection c = StoreConnections.open(dir.resolve("store"));
        Statement st = c.createStatement()) {
      for (var v : variables.entrySet())
        st.execute("SET VARIABLE " + v.getKey() + " = " + v.getValue());
      for (SqlScript.Statement s : SqlScript.split(script.text())) {
        if (st.execute(s.sql())) {
          try (ResultSet rs = st.getResultSet()) {
            tables.add(ResultTable.of(name, rs));
          }
        }
      }
    }
    return tables;
  }

  /** Runs a script from queries/sql/ on the demo's store; returns its last query's result. */
  private static ResultTable script(String name, Map<String, String> variables) throws Exception {
    List<ResultTable> tables = scripts(name, variables);
    assertFalse(tables.isEmpty(), name + " returned no table");
    return tables.getLast();
  }
}

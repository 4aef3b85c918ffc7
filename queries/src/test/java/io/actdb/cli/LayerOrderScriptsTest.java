package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.actdb.cli.demo.ExperimentScript;
import io.actdb.cli.demo.ResultTable;
import io.actdb.sql.StoreConnections;
import io.actdb.storage.LayerSpec;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiment scripts list layers in the store's forward order: a store whose layers are named
 * {@code embeddings, layer0 .. layer11} (by name: embeddings, layer0, layer1, layer10, layer11,
 * layer2, ...), written out of order, gives tables (and so heatmap axes) in forward order.
 */
class LayerOrderScriptsTest {
  @TempDir static Path dir;
  static final List<String> FORWARD = new ArrayList<>();

  @BeforeAll
  static void writeStore() throws Exception {
    FORWARD.add("embeddings");
    for (int i = 0; i < 12; i++) FORWARD.add("layer" + i);
    List<Integer> writeOrder = new ArrayList<>();
    for (int i = 0; i < FORWARD.size(); i++) writeOrder.add(i);
    Collections.shuffle(writeOrder, new Random(9));
    String[] classes = {"Coat", "Sandal", "Bag"};
    int n = 60;
    SplittableRandom random = new SplittableRandom(1);
    try (StoreWriter w = StoreWriter.open(dir.resolve("store"))) {
      List<Sample> samples = new ArrayList<>();
      for (int id = 0; id < n; id++)
        samples.add(new Sample(id, id % 2 == 0 ? "train" : "test", id % 3, classes[id % 3], "t"));
      w.addSamples(samples);
      for (String model : List.of("enc", "enc-e40")) {
        for (int p : writeOrder) {
          try (LayerWriter lw =
              w.beginLayer(new LayerSpec(model, FORWARD.get(p), 3, "mean", p, false, null))) {
            for (int id = 0; id < n; id++) {
              lw.append(
                  id,
                  new float[] {
                    (float) random.nextGaussian(),
                    (float) random.nextGaussian(),
                    id % 3 + (float) random.nextGaussian()
                  },
                  0);
            }
            lw.commit();
          }
        }
      }
    }
  }

  private static ResultTable script(String name, Map<String, String> variables) throws Exception {
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

  /** The distinct values of {@code column} in the order they first appear. */
  private static List<String> firstAppearances(ResultTable t, String column) {
    List<String> out = new ArrayList<>();
    for (int r = 0; r < t.rows().size(); r++) {
      String v = t.text(r, column);
      if (!out.contains(v)) out.add(v);
    }
    return out;
  }

  @Test
  void ckaMatrixRowsAndColumnsFollowTheForwardOrder() throws Exception {
    ResultTable t =
        script(
            "cka_matrix.sql",
            Map.of("model_a", "'enc'", "model_b", "'enc-e40'", "split", "'test'"));
    assertEquals(FORWARD.size() * FORWARD.size(), t.rows().size());
    assertEquals(FORWARD, firstAppearances(t, "layer_a"));
    List<String> firstRowColumns = new ArrayList<>();
    for (int r = 0; r < FORWARD.size(); r++) firstRowColumns.add(t.text(r, "layer_b"));
    assertEquals(FORWARD, firstRowColumns);
    // an explicit layer_order still comes first; the rest follow in forward order
    ResultTable ordered =
        script(
            "cka_matrix.sql",
            Map.of("model_a", "'enc'", "model_b", "'enc'", "layer_order", "['layer11', 'layer3']"));
    List<String> expected = new ArrayList<>(List.of("layer11", "layer3"));
    for (String l : FORWARD) if (!expected.contains(l)) expected.add(l);
    assertEquals(expected, firstAppearances(ordered, "layer_a"));
  }

  @Test
  void perLayerTablesFollowTheForwardOrder() throws Exception {
    ResultTable overfitting =
        script(
            "overfitting.sql",
            Map.of("early", "'enc'", "late", "'enc-e40'", "train_size", "30", "test_size", "30"));
    assertEquals(FORWARD, firstAppearances(overfitting, "layer"));
    String layers = "['layer10', 'layer2', 'embeddings', 'layer1']";
    List<String> forward = List.of("embeddings", "layer1", "layer2", "layer10");
    assertEquals(
        forward,
        firstAppearances(
            script("class_groups.sql", Map.of("model", "'enc'", "layers", layers)), "layer"));
    assertEquals(
        forward,
        firstAppearances(
            script("train_vs_test.sql", Map.of("model", "'enc'", "layers", layers)), "layer"));
  }
}

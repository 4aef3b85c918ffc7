package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code actdb export}: a store written here with known vectors comes back from the Parquet files
 * through plain DuckDB ({@code read_parquet} with hive partitioning, no actdb), value for value,
 * with its sample metadata; the target directory is never overwritten unasked.
 */
class ExportCommandTest {
  @TempDir Path dir;

  /** Hostile names on purpose: a slash, an equals sign, a quote, a space and a percent sign. */
  private static final String ODD_MODEL = "res/net=1 'x' 50%";

  private static final int ROWS = 300;

  /** The vectors written, by model, layer and sample id. */
  private final Map<String, float[]> written = new HashMap<>();

  private Path writeStore() throws Exception {
    Path store = dir.resolve("store");
    Random random = new Random(19);
    try (StoreWriter w = StoreWriter.open(store)) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < ROWS; i++) {
        samples.add(
            new Sample(1000 + i, i % 3 == 0 ? "test" : "train", i % 7, "class" + (i % 7), "s"));
      }
      w.addSamples(samples);
      String[][] layers = {{ODD_MODEL, "layer1", "5"}, {ODD_MODEL, "fc", "3"}, {"vit", "cls", "8"}};
      for (String[] l : layers) {
        int d = Integer.parseInt(l[2]);
        try (LayerWriter lw = w.beginLayer(l[0], l[1], d, "mean")) {
          // a layer need not hold every sample, nor in id order
          for (int i = ROWS - 1; i >= 0; i -= (l[1].equals("fc") ? 2 : 1)) {
            float[] v = new float[d];
            for (int j = 0; j < d; j++) v[j] = (float) random.nextGaussian();
            written.put(l[0] + "|" + l[1] + "|" + (1000 + i), v);
            lw.append(1000 + i, v, 0);
          }
          lw.commit();
        }
      }
    }
    return store;
  }

  @Test
  void everyLayerComesBackFromParquetWithItsValuesAndMetadata() throws Exception {
    Path store = writeStore();
    Path out = dir.resolve("parquet");
    Cli.Result r = Cli.run("export", "--store", store.toString(), "--parquet", out.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("exported 3 layer(s), " + (ROWS + ROWS / 2 + ROWS) + " rows"));

    int seen = 0;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT model, layer, sample_id, vec, split, label, label_name FROM read_parquet("
                    + literal(out + "/**/*.parquet")
                    + ", hive_partitioning = true, hive_types_autocast = false)")) {
      while (rs.next()) {
        String model = rs.getString(1);
        String layer = rs.getString(2);
        long id = rs.getLong(3);
        float[] expected = written.get(model + "|" + layer + "|" + id);
        assertTrue(expected != null, "unexpected row " + model + "/" + layer + " " + id);
        assertArrayEquals(expected, floats(rs.getArray(4)), model + "/" + layer + " " + id);
        int i = (int) id - 1000;
        assertEquals(i % 3 == 0 ? "test" : "train", rs.getString(5));
        assertEquals(i % 7, rs.getInt(6));
        assertEquals("class" + (i % 7), rs.getString(7));
        seen++;
      }
    }
    assertEquals(written.size(), seen);
    // one directory per layer, below one per model
    try (Stream<Path> models = Files.list(out)) {
      assertEquals(2, models.count());
    }
  }

  @Test
  void modelAndLayerChooseWhatIsExported() throws Exception {
    Path store = writeStore();
    Path out = dir.resolve("only-fc");
    Cli.Result r =
        Cli.run(
            "export",
            "--store",
            store.toString(),
            "--model",
            ODD_MODEL,
            "--layer",
            "fc",
            "--parquet",
            out.toString());
    assertEquals(0, r.status(), r.err());
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT DISTINCT model, layer, count(*) OVER () FROM read_parquet("
                    + literal(out + "/**/*.parquet")
                    + ", hive_partitioning = true)")) {
      assertTrue(rs.next());
      assertEquals(ODD_MODEL, rs.getString(1));
      assertEquals("fc", rs.getString(2));
      assertEquals(ROWS / 2, rs.getLong(3));
      assertFalse(rs.next());
    }
    Cli.Result none =
        Cli.run("export", "--store", store.toString(), "--layer", "nope", "--parquet", dir + "/x");
    assertEquals(1, none.status());
    assertTrue(none.err().contains("has no layer named \"nope\"; it has "), none.err());
    assertTrue(none.err().contains("vit/cls"), none.err());
    assertFalse(Files.exists(dir.resolve("x")));
  }

  @Test
  void aNonEmptyTargetIsKeptUnlessReplaceIsGivenAndItIsAnExport() throws Exception {
    Path store = writeStore();
    Path out = dir.resolve("parquet");
    Files.createDirectories(out);
    Files.writeString(out.resolve("notes.txt"), "mine");
    Cli.Result refused =
        Cli.run("export", "--store", store.toString(), "--parquet", out.toString());
    assertEquals(1, refused.status());
    assertTrue(refused.err().contains("is not empty"), refused.err());
    assertTrue(refused.err().contains("--replace"), refused.err());
    Cli.Result stillRefused =
        Cli.run("export", "--store", store.toString(), "--parquet", out.toString(), "--replace");
    assertEquals(1, stillRefused.status());
    assertTrue(stillRefused.err().contains("not an actdb export"), stillRefused.err());
    assertEquals("mine", Files.readString(out.resolve("notes.txt")));

    Files.delete(out.resolve("notes.txt"));
    assertEquals(0, Cli.run("export", "--store", store.toString(), "--parquet", out + "").status());
    Cli.Result again =
        Cli.run(
            "export", "--store", store.toString(), "--parquet", out.toString(), "--layer", "cls");
    assertEquals(1, again.status());
    Cli.Result replaced =
        Cli.run(
            "export",
            "--store",
            store.toString(),
            "--parquet",
            out.toString(),
            "--layer",
            "cls",
            "--replace");
    assertEquals(0, replaced.status(), replaced.err());
    try (Stream<Path> models = Files.list(out)) {
      assertEquals(List.of("model=vit"), models.map(p -> p.getFileName().toString()).toList());
    }
    // nothing of the staging directories stays behind
    try (Stream<Path> entries = Files.list(dir)) {
      assertEquals(
          List.of("parquet", "store"),
          entries.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void aMissingStoreOrATargetInsideTheStoreIsRefusedInPlainWords() throws Exception {
    Cli.Result missing = Cli.run("export", "--store", dir + "/nostore", "--parquet", dir + "/out");
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("no store at"), missing.err());
    assertFalse(missing.err().contains("Exception"), missing.err());
    Path store = writeStore();
    Cli.Result inside = Cli.run("export", "--store", store.toString(), "--parquet", store + "/pq");
    assertEquals(1, inside.status());
    assertTrue(inside.err().contains("choose a directory outside"), inside.err());
    assertFalse(Files.exists(store.resolve("pq")));
    Cli.Result usage = Cli.run("export", "--store", store.toString());
    assertEquals(2, usage.status());
  }

  private static float[] floats(Array array) throws Exception {
    Object[] values = (Object[]) array.getArray();
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) out[i] = ((Number) values[i]).floatValue();
    return out;
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}

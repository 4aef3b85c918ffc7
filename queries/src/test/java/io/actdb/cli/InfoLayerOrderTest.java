package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.storage.LayerSpec;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import io.actdb.storage.StoreWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code actdb info} and {@code actdb import} with layer order and token layers: layers listed in
 * forward order, token layers marked with their tokenizer, checked like any layer.
 */
class InfoLayerOrderTest {
  @TempDir Path dir;

  private Path writeStore() throws Exception {
    Path store = dir.resolve("store");
    try (StoreWriter w = StoreWriter.open(store)) {
      w.addSamples(List.of(new Sample(0, "train", 0, "a", "s", "hello world")));
      for (int p : new int[] {10, 2, 0, 11, 1}) {
        String name = p == 0 ? "embeddings" : "layer" + (p - 1);
        try (LayerWriter lw =
            w.beginLayer(new LayerSpec("enc", name, 2, "mean", p, false, "wp:abc"))) {
          lw.append(0, new float[] {p, 1}, 0);
          lw.commit();
        }
      }
      try (LayerWriter lw =
          w.beginLayer(new LayerSpec("enc", "tokens9", 2, "none", 10, true, "wp:abc"))) {
        lw.appendTokens(
            new long[] {0, 0, 0},
            new int[] {0, 1, 2},
            new String[] {"[CLS]", "hello", "world"},
            new float[6],
            3);
        lw.commit();
      }
    }
    return store;
  }

  @Test
  void infoListsLayersInForwardOrderWithTheirGranularity() throws Exception {
    Path store = writeStore();
    Cli.Result info = Cli.run("info", store.toString());
    assertEquals(0, info.status(), info.err());
    List<String> layerLines = new ArrayList<>();
    for (String line : info.out().lines().toList())
      if (line.startsWith("enc ")) layerLines.add(line);
    List<String> names = layerLines.stream().map(l -> l.split("\\s+")[1]).toList();
    assertEquals(List.of("embeddings", "layer0", "layer1", "layer9", "tokens9", "layer10"), names);
    assertTrue(
        layerLines
            .get(4)
            .matches("enc\\s+tokens9\\s+2\\s+3\\s+none\\s+\\S+\\s+10\\s+token\\s+wp:abc"),
        layerLines.get(4));
    assertTrue(
        layerLines
            .get(0)
            .matches("enc\\s+embeddings\\s+2\\s+1\\s+mean\\s+\\S+\\s+0\\s+sample\\s+wp:abc"),
        layerLines.get(0));
  }

  @Test
  void aDamagedTokenLayerIsNamedByInfoAndQuickInfoReadsFootersOnly() throws Exception {
    Path store = writeStore();
    Path file =
        Store.open(store)
            .fileOf(Store.open(store).manifest().layer("enc", "tokens9").orElseThrow());
    byte[] bytes = Files.readAllBytes(file);
    // the token vectors are zeros; make some of them not
    int at = indexOf(bytes, "world".getBytes()) + 16;
    for (int i = 0; i < 8; i++) bytes[at + i] ^= (byte) 0x5A;
    Files.write(file, bytes);
    assertEquals(0, Cli.run("info", "--quick", store.toString()).status());
    Cli.Result damaged = Cli.run("info", store.toString());
    assertEquals(1, damaged.status());
    assertTrue(damaged.err().contains(file.toString()), damaged.err());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new AssertionError("not found");
  }

  @Test
  void importsKeepTheOrderTheyAreGiven() throws Exception {
    Path input = dir.resolve("acts.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute(
          "COPY (SELECT i AS sample_id, [i::FLOAT, 1] AS vec FROM range(10) t(i)) TO '"
              + input
              + "'");
    }
    Path store = dir.resolve("imported");
    for (String layer : List.of("layer2", "layer10", "layer1")) {
      Cli.Result r =
          Cli.run(
              "import",
              "--store",
              store.toString(),
              "--model",
              "m",
              "--layer",
              layer,
              input.toString());
      assertEquals(0, r.status(), r.err());
    }
    assertEquals(
        List.of("layer2", "layer10", "layer1"),
        Store.open(store).layers().stream().map(e -> e.layer()).toList());
  }
}

package io.actdb.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each model's layers keep their forward order, whatever their names and the order of writing. */
class LayerPositionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void allocator() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory still allocated");
    allocator.close();
  }

  private static List<String> names(List<LayerEntry> layers) {
    return layers.stream().map(LayerEntry::qualifiedName).toList();
  }

  private static List<String> forward(String model, String... layers) {
    List<String> out = new ArrayList<>();
    for (String l : layers) out.add(model + "/" + l);
    return out;
  }

  private void write(StoreWriter w, String model, String layer, int position) throws IOException {
    try (LayerWriter lw =
        w.beginLayer(new LayerSpec(model, layer, 2, "mean", position, false, null))) {
      lw.append(0, new float[] {position, 1}, 0);
      lw.commit();
    }
  }

  @Test
  void layersWrittenOutOfOrderAreListedInForwardOrder() throws IOException {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 12; i++) order.add(i);
    Collections.shuffle(order, new Random(3));
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      // "embeddings" first in the forward pass, though it sorts after "layer..." as text
      for (int i : order) write(w, "bert", "layer" + i, i + 1);
      write(w, "bert", "embeddings", 0);
      write(w, "alpha", "z", 0);
      write(w, "alpha", "a", 1);
    }
    List<String> expected = new ArrayList<>(forward("alpha", "z", "a"));
    expected.add("bert/embeddings");
    for (int i = 0; i < 12; i++) expected.add("bert/layer" + i);
    Store store = Store.open(dir);
    assertEquals(expected, names(store.layers()));
    assertEquals(expected.subList(2, 15), names(store.manifest().layersOf("bert")));
    assertEquals(11, store.manifest().layer("bert", "layer10").orElseThrow().position());
  }

  @Test
  void layersWithoutAPositionGoAfterTheModelsLastLayerAndAReplacementKeepsItsPlace()
      throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      write(w, "m", "out", 7);
      StoreTest.writeLayer(w, "m", "extra1", 2, 0, 1, 0);
      // two open at once: the second goes after the first
      LayerWriter a = w.beginLayer("m", "extra2", 2, "avg");
      LayerWriter b = w.beginLayer("m", "extra3", 2, "avg");
      assertEquals(9, a.position());
      assertEquals(10, b.position());
      a.append(0, new float[2], 0);
      b.append(0, new float[2], 0);
      w.publish(List.of(), List.of(b, a));
      StoreTest.writeLayer(w, "m", "out", 2, 0, 1, 0); // replaced, keeps position 7
      StoreTest.writeLayer(w, "other", "first", 2, 0, 1, 0);
    }
    Store store = Store.open(dir);
    assertEquals(
        List.of("m/out", "m/extra1", "m/extra2", "m/extra3", "other/first"), names(store.layers()));
    assertEquals(
        List.of(7, 8, 9, 10, 0), store.layers().stream().map(LayerEntry::position).toList());
  }

  private void editManifest(Consumer<ObjectNode> edit) throws IOException {
    Path manifest = dir.resolve(Manifest.FILE_NAME);
    ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
    edit.accept(root);
    Files.write(manifest, JSON.writeValueAsBytes(root));
  }

  @Test
  void aManifestWithoutPositionsReadsAsTheOrderOfAppearance() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      write(w, "m", "b", 0);
      write(w, "m", "a", 1);
      write(w, "n", "x", 5);
    }
    // as written before positions, granularity and tokenizer were recorded
    editManifest(
        m ->
            m.get("layers")
                .forEach(
                    l -> ((ObjectNode) l).remove(List.of("position", "granularity", "tokenizer"))));
    assertTrue(!Files.readString(dir.resolve(Manifest.FILE_NAME)).contains("position"));
    Store store = Store.open(dir);
    assertEquals(List.of("m/b", "m/a", "n/x"), names(store.layers()));
    assertEquals(List.of(0, 1, 0), store.layers().stream().map(LayerEntry::position).toList());
    for (LayerEntry e : store.layers()) {
      assertEquals(LayerEntry.SAMPLE, e.granularity());
      assertNull(e.tokenizer());
    }
    assertEquals(List.of(), store.check(allocator));
    // a writer on such a store records the positions it read, and adds after them
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      StoreTest.writeLayer(w, "m", "c", 2, 0, 1, 0);
    }
    assertTrue(Files.readString(dir.resolve(Manifest.FILE_NAME)).contains("\"position\""));
    assertEquals(List.of("m/b", "m/a", "m/c", "n/x"), names(Store.open(dir).layers()));
  }

  @Test
  void aNegativePositionInTheManifestIsRefused() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      write(w, "m", "b", 0);
    }
    editManifest(m -> ((ObjectNode) m.get("layers").get(0)).put("position", -3));
    StoreException e = assertThrows(StoreException.class, () -> Store.open(dir));
    assertTrue(e.getMessage().contains("m/b") && e.getMessage().contains("-3"), e.getMessage());
  }
}

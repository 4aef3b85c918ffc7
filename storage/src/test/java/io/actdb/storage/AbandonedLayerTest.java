package io.actdb.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A layer abandoned before its publication (an interrupted extraction) leaves no folder behind. */
class AbandonedLayerTest {
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

  @Test
  void abandonedLayersOfANewModelTakeTheirFolderWithThem() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      StoreTest.writeLayer(w, "kept", "fc", 3, 0, 10, 1);
    }
    Path newModel = dir.resolve("activations").resolve("fresh");
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      LayerWriter a = w.beginLayer("fresh", "a", 2, "avg");
      LayerWriter b = w.beginLayer("fresh", "b", 2, "avg");
      a.append(0, new float[] {1, 2}, 0);
      b.append(0, new float[] {3, 4}, 0);
      assertTrue(Files.isDirectory(newModel), "the layers are being written in their folder");
      a.close();
      assertTrue(Files.isDirectory(newModel), "layer b still writes there");
      b.close();
      assertFalse(Files.exists(newModel), "no folder for a model that never got a layer");
    }
    assertTrue(Files.isDirectory(dir.resolve("activations").resolve("kept")));
    assertEquals(List.of("kept"), Store.open(dir).manifest().models());
  }
}

package io.actdb.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import io.actdb.extractor.Extraction.Options;
import io.actdb.extractor.Extraction.Pooling;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.Store;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extracted layers keep the model's forward order, also when extracted in separate runs. */
class ExtractionLayerOrderTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void allocator() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    allocator.close();
  }

  private void extract(List<String> layers) throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      Extraction.run(
          new ExtractionTest.PlainModel(),
          ExtractionTest.source(6, -1),
          w,
          Device.cpu(),
          new Options(null, layers, 4, Pooling.AVG, false),
          new Extraction.Progress() {});
    }
  }

  @Test
  void layersTakeTheirIndexInTheModelsLayerList() throws IOException {
    // the model's forward order is map, sum, scalar; by name it would be map, scalar, sum
    extract(List.of("scalar"));
    extract(List.of("sum", "map"));
    List<LayerEntry> layers = Store.open(dir).layers();
    assertEquals(List.of("map", "sum", "scalar"), layers.stream().map(LayerEntry::layer).toList());
    assertEquals(List.of(0, 1, 2), layers.stream().map(LayerEntry::position).toList());
  }
}

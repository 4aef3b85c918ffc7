package io.actdb.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one Arrow reader: projected loads read and check only the columns asked for, in any batch
 * order, and every failure names the file and the batch. Values are compared with {@link
 * StoreTest#value}, the formula the layers were written from.
 */
class BatchReaderTest {
  private static final int DIM = 64;
  private static final int ROWS = 5000;

  @TempDir Path dir;
  private BufferAllocator allocator;
  private Store store;
  private LayerEntry layer;

  @BeforeEach
  void writeOneLayer() throws IOException {
    allocator = new RootAllocator();
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      StoreTest.writeLayer(w, "m", "l", DIM, 100, ROWS, 3);
    }
    store = Store.open(dir);
    layer = store.layers().getFirst();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory still allocated");
    allocator.close();
  }

  @Test
  void projectedBatchesLoadInAnyOrderWithTheWrittenValues() throws IOException {
    try (BatchReader reader = BatchReader.open(store.fileOf(layer), "layer m/l", null, allocator)) {
      int batches = reader.blocks().size();
      assertTrue(batches >= 2, "the test needs several batches, got " + batches);
      assertEquals(ROWS, reader.rowCount());
      // vec before sample_id: the projection's order, not the file's
      VectorSchemaRoot root = reader.project(1, 0);
      assertEquals(
          List.of(StoreSchemas.VEC, StoreSchemas.SAMPLE_ID),
          root.getSchema().getFields().stream().map(f -> f.getName()).toList());
      long rowsSeen = 0;
      for (int b = batches - 1; b >= 0; b--) {
        int rows = reader.load(b, layer.checksums().batches().get(b));
        FixedSizeListVector vec = (FixedSizeListVector) root.getVector(0);
        Float4Vector values = (Float4Vector) vec.getDataVector();
        BigIntVector ids = (BigIntVector) root.getVector(1);
        for (int i = 0; i < rows; i++) {
          long id = ids.get(i);
          for (int j = 0; j < DIM; j++)
            assertEquals(StoreTest.value(id, j, 3), values.get(i * DIM + j), "id " + id);
        }
        rowsSeen += rows;
      }
      assertEquals(ROWS, rowsSeen);
    }
  }

  @Test
  void aDamagedColumnFailsOnlyTheReadsOfThatColumnNamingFileAndBatch() throws IOException {
    Path file = store.fileOf(layer);
    List<ArrowBlock> blocks;
    try (BatchReader reader = BatchReader.open(file, allocator)) {
      blocks = reader.blocks();
    }
    ArrowBlock damaged = blocks.get(1);
    // the body ends with batch 1's vector floats
    StoreReliabilityTest.flip(
        file,
        damaged.getOffset() + damaged.getMetadataLength() + damaged.getBodyLength() - 100,
        64);

    List<Long> ids = new ArrayList<>();
    try (BatchReader reader = BatchReader.open(file, allocator)) {
      VectorSchemaRoot root = reader.project(0);
      for (int b = 0; b < blocks.size(); b++) {
        int rows = reader.load(b, layer.checksums().batches().get(b));
        for (int i = 0; i < rows; i++) ids.add(((BigIntVector) root.getVector(0)).get(i));
      }
    }
    assertEquals(ROWS, ids.size());
    for (int i = 0; i < ROWS; i++) assertEquals(100 + i, ids.get(i));

    try (BatchReader reader = BatchReader.open(file, "layer m/l", null, allocator)) {
      reader.project(0, 1);
      reader.load(0, layer.checksums().batches().get(0));
      StoreException e =
          assertThrows(
              StoreException.class, () -> reader.load(1, layer.checksums().batches().get(1)));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "layer m/l ("
                      + file
                      + "): record batch 1 of "
                      + blocks.size()
                      + ": checksum mismatch in column vec"),
          e.getMessage());
      // unchecked, the damaged floats load: the checksums are what catches them
      assertTrue(reader.load(1, null) > 0);
    }

    // The extractor's skip check reads sample ids only, so it still works; a full read fails.
    try (LayerReader ids2 = store.openLayerSampleIds(layer, allocator)) {
      long count = 0;
      while (ids2.nextBatch()) count += ids2.batchRows();
      assertEquals(ROWS, count);
      assertThrows(IllegalStateException.class, () -> ids2.copyVector(0, new float[DIM], 0));
    }
    StoreException full =
        assertThrows(
            StoreException.class, () -> StoreTest.readAndCheck(store, "m", "l", 3, allocator));
    assertTrue(full.getMessage().contains(file + ": record batch 1 of"), full.getMessage());
  }

  @Test
  void filesThatCannotBeReadAreNamed() throws IOException {
    Path missing = dir.resolve("missing.arrow");
    StoreException none =
        assertThrows(
            StoreException.class,
            () -> BatchReader.open(missing, "x", () -> "gone for a reason", allocator));
    assertEquals("x (" + missing + "): gone for a reason", none.getMessage());

    Path garbage = dir.resolve("garbage.arrow");
    Files.write(garbage, new byte[1000]);
    StoreException bad =
        assertThrows(StoreException.class, () -> BatchReader.open(garbage, allocator));
    assertTrue(
        bad.getMessage().startsWith(garbage + ": not an Arrow IPC file, or truncated"),
        bad.getMessage());

    Path file = store.fileOf(layer);
    byte[] bytes = Files.readAllBytes(file);
    Path truncated = dir.resolve("truncated.arrow");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
    StoreException cut =
        assertThrows(StoreException.class, () -> BatchReader.open(truncated, allocator));
    assertTrue(cut.getMessage().startsWith(truncated + ": "), cut.getMessage());
  }
}

package io.actdb.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void allocator() {
    allocator = new RootAllocator();
  }

  /** Every test is also a leak check: closing a root allocator with live buffers throws. */
  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory still allocated");
    allocator.close();
  }

  /** Deterministic test vectors: element j of sample id's vector in a layer with this salt. */
  static float value(long id, int j, int salt) {
    return (float) (id * 0.25 + j * 0.001 + salt);
  }

  static LayerEntry writeLayer(
      StoreWriter w, String model, String layer, int dim, long firstId, int rows, int salt)
      throws IOException {
    try (LayerWriter lw = w.beginLayer(model, layer, dim, "avg")) {
      float[] v = new float[dim];
      for (int r = 0; r < rows; r++) {
        long id = firstId + r;
        for (int j = 0; j < dim; j++) v[j] = value(id, j, salt);
        lw.append(id, v, 0);
      }
      return lw.commit();
    }
  }

  /** Reads a whole layer and checks every value against {@link #value}; returns the ids. */
  static List<Long> readAndCheck(
      Store store, String model, String layer, int salt, BufferAllocator a) throws IOException {
    List<Long> ids = new ArrayList<>();
    try (LayerReader r = store.openLayer(model, layer, a)) {
      float[] v = new float[r.dim()];
      while (r.nextBatch()) {
        for (int i = 0; i < r.batchRows(); i++) {
          long id = r.sampleId(i);
          r.copyVector(i, v, 0);
          for (int j = 0; j < v.length; j++) {
            if (v[j] != value(id, j, salt)) {
              throw new AssertionError(
                  model + "/" + layer + " id " + id + " element " + j + ": " + v[j]);
            }
          }
          ids.add(id);
        }
      }
    }
    return ids;
  }

  @Test
  void writesAndReadsLayersAndSamples() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      assertEquals(
          2,
          w.addSamples(
              List.of(
                  new Sample(0, "train", 3, "Dress", "idx:0"),
                  new Sample(1, "test", null, null, null))));
      // 5000 rows at dim 3 span several batches (2048 rows each), the last one partial.
      writeLayer(w, "cnn", "conv1", 3, 0, 5000, 1);
      writeLayer(w, "cnn", "fc", 700, 10, 1, 2);
      writeLayer(w, "mlp", "h1", 2048, 0, 0, 3);
    }
    Store store = Store.open(dir);
    assertEquals(List.of("cnn", "mlp"), store.manifest().models());
    assertEquals(3, store.layers().size());
    LayerEntry conv1 = store.manifest().layer("cnn", "conv1").orElseThrow();
    assertEquals(3, conv1.dim());
    assertEquals(5000, conv1.rows());
    assertEquals(Files.size(store.fileOf(conv1)), conv1.bytes());
    List<Long> ids = readAndCheck(store, "cnn", "conv1", 1, allocator);
    assertEquals(5000, ids.size());
    for (int i = 0; i < ids.size(); i++) assertEquals(i, ids.get(i));
    assertEquals(List.of(10L), readAndCheck(store, "cnn", "fc", 2, allocator));
    assertEquals(List.of(), readAndCheck(store, "mlp", "h1", 3, allocator));
    assertEquals(
        List.of(
            new Sample(0, "train", 3, "Dress", "idx:0"), new Sample(1, "test", null, null, null)),
        store.samples(allocator));
    assertEquals(List.of(), store.check(allocator));
  }

  @Test
  void writesSeveralLayersAtOnceEachCommittedOnItsOwn() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      LayerWriter a = w.beginLayer("m", "a", 2, "avg");
      LayerWriter b = w.beginLayer("m", "b", 5, "avg");
      LayerWriter dropped = w.beginLayer("m", "dropped", 1, "avg");
      assertThrows(IllegalStateException.class, () -> w.beginLayer("m", "a", 2, "avg"));
      float[] va = new float[2];
      float[] vb = new float[5];
      for (long id = 0; id < 3000; id++) {
        for (int j = 0; j < 2; j++) va[j] = value(id, j, 7);
        for (int j = 0; j < 5; j++) vb[j] = value(id, j, 8);
        a.append(id, va, 0);
        b.append(id, vb, 0);
        dropped.append(id, va, 0);
      }
      dropped.close();
      b.commit();
      a.commit();
      a.close();
      b.close();
    }
    Store store = Store.open(dir);
    assertEquals(2, store.layers().size());
    assertEquals(3000, readAndCheck(store, "m", "a", 7, allocator).size());
    assertEquals(3000, readAndCheck(store, "m", "b", 8, allocator).size());
    assertEquals(List.of(), store.check(allocator));
    try (var files = Files.walk(dir)) {
      assertEquals(
          List.of(),
          files.filter(f -> f.toString().endsWith(".tmp")).toList(),
          "abandoned layer left a file");
    }
  }

  @Test
  void batchesStayBoundedForWideLayers() throws IOException {
    // 8 MiB per batch: a 2048-d layer gets 1024-row batches, so memory does not grow with rows.
    try (StoreWriter w = StoreWriter.open(dir, allocator);
        LayerWriter lw = w.beginLayer("m", "wide", 2048, "avg")) {
      float[] v = new float[2048];
      long peak = 0;
      for (int r = 0; r < 5000; r++) {
        lw.append(r, v, 0);
        peak = Math.max(peak, allocator.getAllocatedMemory());
      }
      lw.commit();
      assertTrue(peak < 3 * LayerWriter.BATCH_BYTES, "peak Arrow memory " + peak);
    }
  }

  @Test
  void addsLayersAndModelsToAnExistingStoreAndReplacesALayer() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      writeLayer(w, "a", "l1", 4, 0, 10, 1);
    }
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      writeLayer(w, "b", "l1", 5, 0, 20, 2);
      writeLayer(w, "a", "l1", 6, 0, 30, 3); // replaces a/l1
    }
    Store store = Store.open(dir);
    assertEquals(2, store.layers().size());
    assertEquals(6, store.manifest().layer("a", "l1").orElseThrow().dim());
    assertEquals(30, readAndCheck(store, "a", "l1", 3, allocator).size());
    assertEquals(20, readAndCheck(store, "b", "l1", 2, allocator).size());
    // the replaced file is gone; only the two published files remain
    assertEquals(2, arrowFiles().size(), arrowFiles().toString());
  }

  @Test
  void anAbandonedLayerLeavesTheStoreAsItWas() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      writeLayer(w, "a", "l1", 4, 0, 10, 1);
      byte[] before = Files.readAllBytes(dir.resolve(Manifest.FILE_NAME));
      try (LayerWriter lw = w.beginLayer("a", "l1", 4, "avg")) {
        lw.append(99, new float[4], 0);
      } // closed without commit
      assertEquals(
          new String(before), new String(Files.readAllBytes(dir.resolve(Manifest.FILE_NAME))));
    }
    assertEquals(1, arrowFiles().size());
    assertEquals(10, readAndCheck(Store.open(dir), "a", "l1", 1, allocator).size());
  }

  @Test
  void secondWriterIsRefusedWhileTheFirstHoldsTheStore() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      StoreException e = assertThrows(StoreException.class, () -> StoreWriter.open(dir, allocator));
      assertTrue(e.getMessage().contains("another writer"), e.getMessage());
    }
    StoreWriter.open(dir, allocator).close();
  }

  @Test
  void conflictingSampleMetadataIsRefused() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      w.addSamples(List.of(new Sample(5, "train", 1, "a", null)));
      assertEquals(0, w.addSamples(List.of(new Sample(5, "train", 1, "a", null))));
      StoreException e =
          assertThrows(
              StoreException.class,
              () -> w.addSamples(List.of(new Sample(5, "test", 1, "a", null))));
      assertTrue(e.getMessage().contains("sample_id 5"), e.getMessage());
    }
    assertEquals(1, Store.open(dir).samples(allocator).size());
  }

  @Test
  void damagedFilesAreNamedAndTheRestStaysReadable() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      writeLayer(w, "m", "good", 8, 0, 3000, 1);
      writeLayer(w, "m", "truncated", 8, 0, 3000, 2);
      writeLayer(w, "m", "missing", 8, 0, 10, 3);
      writeLayer(w, "m", "garbage", 8, 0, 10, 4);
    }
    Store store = Store.open(dir);
    Path truncated = store.fileOf(store.manifest().layer("m", "truncated").orElseThrow());
    byte[] bytes = Files.readAllBytes(truncated);
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 100));
    Files.delete(store.fileOf(store.manifest().layer("m", "missing").orElseThrow()));
    Path garbage = store.fileOf(store.manifest().layer("m", "garbage").orElseThrow());
    byte[] noise = new byte[(int) Files.size(garbage)];
    new Random(1).nextBytes(noise);
    Files.write(garbage, noise);

    store = Store.open(dir);
    List<String> problems = store.check(allocator);
    assertEquals(3, problems.size(), problems.toString());
    assertTrue(
        problems.stream()
            .anyMatch(p -> p.contains(truncated.toString()) && p.contains("truncated")),
        problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("missing")), problems.toString());
    assertTrue(
        problems.stream()
            .anyMatch(
                p -> p.contains(garbage.toString()) && p.contains("not a readable Arrow file")),
        problems.toString());
    StoreException e =
        assertThrows(
            StoreException.class, () -> Store.open(dir).openLayer("m", "truncated", allocator));
    assertTrue(e.getMessage().contains(truncated.getFileName().toString()), e.getMessage());
    assertEquals(3000, readAndCheck(store, "m", "good", 1, allocator).size());
  }

  @Test
  void aDimensionThatDisagreesWithTheManifestIsNamed() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      writeLayer(w, "m", "l", 8, 0, 10, 1);
    }
    Path manifest = dir.resolve(Manifest.FILE_NAME);
    String json = Files.readString(manifest);
    Files.writeString(manifest, json.replace("\"dim\" : 8", "\"dim\" : 9"));
    Store store = Store.open(dir);
    LayerEntry entry = store.layers().get(0);
    String problem = store.problemOf(entry, allocator);
    assertNotNull(problem);
    assertTrue(
        problem.contains(store.fileOf(entry).toString())
            && problem.contains("8 floats but the manifest says 9"),
        problem);
  }

  @Test
  void manifestProblemsAreClear() throws IOException {
    StoreException none = assertThrows(StoreException.class, () -> Store.open(dir));
    assertTrue(none.getMessage().contains("not an actdb store"), none.getMessage());
    Files.writeString(
        dir.resolve(Manifest.FILE_NAME),
        "{\"format\":\"actdb-store\",\"format_version\":7,\"generation\":1,\"layers\":[]}");
    StoreException newer = assertThrows(StoreException.class, () -> Store.open(dir));
    assertTrue(newer.getMessage().contains("version 7"), newer.getMessage());
    Files.writeString(dir.resolve(Manifest.FILE_NAME), "{\"format\":\"actdb-sto");
    StoreException broken = assertThrows(StoreException.class, () -> Store.open(dir));
    assertTrue(broken.getMessage().contains(Manifest.FILE_NAME), broken.getMessage());
  }

  @Test
  void aNewWriterRemovesLeftoversOfAnInterruptedOne() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      writeLayer(w, "m", "l", 4, 0, 10, 1);
    }
    Path stray = dir.resolve("activations/m/l-g99.arrow");
    Path temp = dir.resolve("activations/m/x-g5.arrow.tmp");
    Files.writeString(stray, "renamed, but the manifest was never written");
    Files.writeString(temp, "half written");
    Files.writeString(dir.resolve("notes.txt"), "the user's own file");
    StoreWriter.open(dir, allocator).close();
    assertFalse(Files.exists(stray));
    assertFalse(Files.exists(temp));
    assertTrue(Files.exists(dir.resolve("notes.txt")));
    assertEquals(10, readAndCheck(Store.open(dir), "m", "l", 1, allocator).size());
  }

  @Test
  void namesThatAreNotFileNamesStillWork() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      writeLayer(w, "resnet/18", "layer1.0 conv", 4, 0, 3, 1);
      writeLayer(w, "resnet_18", "layer1.0_conv", 4, 0, 5, 2);
    }
    Store store = Store.open(dir);
    assertEquals(3, readAndCheck(store, "resnet/18", "layer1.0 conv", 1, allocator).size());
    assertEquals(5, readAndCheck(store, "resnet_18", "layer1.0_conv", 2, allocator).size());
    assertNull(store.problemOf(store.layers().get(0), allocator));
  }

  private List<Path> arrowFiles() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".arrow"))
          .filter(p -> !p.getFileName().toString().startsWith("samples"))
          .toList();
    }
  }
}

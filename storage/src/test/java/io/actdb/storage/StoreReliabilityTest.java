package io.actdb.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's integrity promises, kept as a regression net: it never touches a file it does not
 * own, and damage is reported instead of answered.
 */
class StoreReliabilityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    dir = tmp.resolve("store");
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory still allocated");
    allocator.close();
  }

  private void storeWithOneLayer(int rows) throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < rows; i++)
        samples.add(new Sample(i, i % 2 == 0 ? "train" : "test", i % 10, "c" + (i % 10), "t"));
      w.addSamples(samples);
      StoreTest.writeLayer(w, "m", "l", 64, 0, rows, 1);
    }
  }

  private void editManifest(Consumer<ObjectNode> edit) throws IOException {
    Path manifest = dir.resolve(Manifest.FILE_NAME);
    ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
    edit.accept(root);
    Files.write(manifest, JSON.writeValueAsBytes(root));
  }

  private static ObjectNode layer(ObjectNode manifest) {
    return (ObjectNode) manifest.get("layers").get(0);
  }

  // --- the store never touches a file it does not own

  @Test
  void hostileManifestPathsAreRefusedAndTheOutsideFileStays() throws IOException {
    Path precious = tmp.resolve("precious.txt");
    Files.writeString(precious, "a researcher's only copy");
    Path outsideDir = Files.createDirectories(tmp.resolve("outside"));
    Path outsideArrow = outsideDir.resolve("l-g2.arrow");
    Files.writeString(outsideArrow, "not the store's");
    storeWithOneLayer(10);
    Files.createSymbolicLink(dir.resolve("activations/escape"), outsideDir);
    String original =
        layer((ObjectNode) JSON.readTree(dir.resolve(Manifest.FILE_NAME).toFile()))
            .get("file")
            .asText();

    for (String hostile :
        List.of(
            precious.toString(),
            "../precious.txt",
            "activations/../../precious.txt",
            "activations/escape/l-g2.arrow")) {
      editManifest(m -> layer(m).put("file", hostile));
      StoreException read = assertThrows(StoreException.class, () -> Store.open(dir), hostile);
      assertTrue(
          read.getMessage().contains("manifest.json")
              && read.getMessage().contains("layer m/l")
              && read.getMessage().contains(hostile),
          read.getMessage());
      StoreException write =
          assertThrows(StoreException.class, () -> StoreWriter.open(dir, allocator), hostile);
      assertTrue(
          write.getMessage().contains("layer m/l") && write.getMessage().contains(hostile),
          write.getMessage());
      assertEquals("a researcher's only copy", Files.readString(precious));
      assertEquals("not the store's", Files.readString(outsideArrow));
      // the store's own file, no longer named, is not deleted either: nothing happens under a bad
      // manifest
      assertTrue(Files.exists(dir.resolve(original)));
    }
    editManifest(m -> ((ObjectNode) m.get("samples")).put("file", "../precious.txt"));
    StoreException samples =
        assertThrows(StoreException.class, () -> StoreWriter.open(dir, allocator));
    assertTrue(samples.getMessage().contains("samples"), samples.getMessage());
    assertEquals("a researcher's only copy", Files.readString(precious));
  }

  @Test
  void aDirectoryWithoutManifestThatIsNotEmptyIsRefusedAndLeftAsItWas() throws IOException {
    // a store whose manifest was lost, and a plain folder that happens to look like one
    storeWithOneLayer(100);
    Files.delete(dir.resolve(Manifest.FILE_NAME));
    Path mine = Files.createDirectories(dir.resolve("activations/mine")).resolve("important.arrow");
    Files.writeString(mine, "mine");
    List<Path> before = listing(dir);
    List<byte[]> contents = new ArrayList<>();
    for (Path p : before)
      contents.add(Files.isRegularFile(p) ? Files.readAllBytes(p) : new byte[0]);

    StoreException e = assertThrows(StoreException.class, () -> StoreWriter.open(dir, allocator));
    assertTrue(
        e.getMessage().contains("not an actdb store")
            && e.getMessage().contains("use an empty or new directory"),
        e.getMessage());
    assertEquals(before, listing(dir));
    for (int i = 0; i < before.size(); i++) {
      if (Files.isRegularFile(before.get(i)))
        assertArrayEquals(
            contents.get(i), Files.readAllBytes(before.get(i)), before.get(i).toString());
    }
    assertFalse(Files.exists(dir.resolve(Manifest.FILE_NAME)));
  }

  @Test
  void newAndEmptyDirectoriesStillBecomeStores() throws IOException {
    Path fresh = tmp.resolve("a/b/new");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Path onlyLock = Files.createDirectories(tmp.resolve("locked-once"));
    Files.writeString(onlyLock.resolve(".lock"), "");
    for (Path d : List.of(fresh, empty, onlyLock)) {
      try (StoreWriter w = StoreWriter.open(d, allocator)) {
        StoreTest.writeLayer(w, "m", "l", 4, 0, 3, 1);
      }
      assertEquals(
          3, StoreTest.readAndCheck(Store.open(d), "m", "l", 1, allocator).size(), d.toString());
    }
  }

  @Test
  void aWriterThatPublishesNothingLeavesNoTrace() throws IOException {
    Path fresh = tmp.resolve("never");
    StoreWriter.open(fresh, allocator).close();
    assertFalse(Files.exists(fresh), "a store directory was left behind");
    try (StoreWriter w = StoreWriter.open(fresh, allocator)) {
      w.beginLayer("m", "l", 4, "avg").append(1, new float[4], 0); // abandoned, never committed
    }
    assertFalse(Files.exists(fresh), "a store directory was left behind");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    StoreWriter.open(empty, allocator).close();
    assertEquals(List.of(empty), listing(empty), "files were left in the directory");
  }

  @Test
  void leftoversAreOnlyFilesNamedTheWayTheWriterNamesThem() throws IOException {
    storeWithOneLayer(10);
    Path theirs = dir.resolve("activations/m/notes.arrow");
    Path ours = dir.resolve("activations/m/l-g7.arrow");
    Path oursTemp = dir.resolve("samples-g9.arrow.tmp");
    for (Path p : List.of(theirs, ours, oursTemp)) Files.writeString(p, "x");
    StoreWriter.open(dir, allocator).close();
    assertTrue(Files.exists(theirs));
    assertFalse(Files.exists(ours));
    assertFalse(Files.exists(oursTemp));
  }

  // --- damage is detected, not answered

  @Test
  void checksumsAreThoseOfTheBytesOnDisk() throws IOException {
    storeWithOneLayer(3000);
    Store store = Store.open(dir);
    LayerEntry entry = store.layers().get(0);
    Path file = store.fileOf(entry);
    byte[] bytes = Files.readAllBytes(file);
    CRC32C whole = new CRC32C();
    whole.update(bytes);
    assertEquals(whole.getValue(), entry.checksums().crc32c());
    List<ArrowBlock> blocks = blocks(file);
    assertEquals(blocks.size(), entry.checksums().batches().size());
    assertEquals(3000, entry.checksums().rows());
    for (int b = 0; b < blocks.size(); b++) {
      CRC32C header = new CRC32C();
      header.update(bytes, (int) blocks.get(b).getOffset(), blocks.get(b).getMetadataLength());
      assertEquals(header.getValue(), entry.checksums().batches().get(b).header(), "batch " + b);
    }
    CRC32C samples = new CRC32C();
    samples.update(Files.readAllBytes(store.samplesFile()));
    assertEquals(samples.getValue(), store.manifest().samples().checksums().crc32c());
  }

  @Test
  void aBitFlipInALayerFileIsNamedByTheCheckAndByTheReader() throws IOException {
    storeWithOneLayer(5000);
    Store store = Store.open(dir);
    Path file = store.fileOf(store.layers().get(0));
    List<ArrowBlock> blocks = blocks(file);
    ArrowBlock damaged = blocks.get(1);
    // the last bytes of batch 1's body are vector floats (the last buffer of the batch)
    long at = damaged.getOffset() + damaged.getMetadataLength() + damaged.getBodyLength() - 100;
    flip(file, at, 64);

    assertEquals(
        List.of(), store.check(allocator, true), "the quick check reads sizes and footers only");
    List<String> problems = store.check(allocator);
    assertEquals(1, problems.size(), problems.toString());
    String problem = problems.get(0);
    assertTrue(
        problem.contains(file.toString())
            && problem.contains("record batch 1 of " + blocks.size())
            && problem.contains("column vec"),
        problem);
    StoreException read =
        assertThrows(
            StoreException.class, () -> StoreTest.readAndCheck(store, "m", "l", 1, allocator));
    assertTrue(
        read.getMessage().contains(file.toString())
            && read.getMessage().contains("record batch 1 of"),
        read.getMessage());
  }

  @Test
  void aBitFlipInTheSamplesFileIsNamedAndNotCopiedIntoTheNextSamplesFile() throws IOException {
    storeWithOneLayer(1000);
    Store store = Store.open(dir);
    Path file = store.samplesFile();
    List<ArrowBlock> blocks = blocks(file);
    ArrowBlock only = blocks.get(0);
    flip(file, only.getOffset() + only.getMetadataLength() + only.getBodyLength() / 2, 32);

    List<String> problems = store.check(allocator);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains(file.toString())
            && problems.get(0).contains("record batch 0 of 1"),
        problems.get(0));
    StoreException read = assertThrows(StoreException.class, () -> store.samples(allocator));
    assertTrue(read.getMessage().contains(file.toString()), read.getMessage());
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      assertThrows(
          StoreException.class, () -> w.addSamples(List.of(new Sample(5000, "x", 1, "y", "z"))));
    }
    assertEquals(store.manifest(), Store.open(dir).manifest(), "nothing was published");
  }

  @Test
  void wrongRowCountsAndDuplicateEntriesAreRefusedAtOpen() throws IOException {
    storeWithOneLayer(3000);
    byte[] good = Files.readAllBytes(dir.resolve(Manifest.FILE_NAME));
    editManifest(m -> layer(m).put("rows", 2999));
    StoreException rows = assertThrows(StoreException.class, () -> Store.open(dir));
    assertTrue(
        rows.getMessage().contains("layer m/l")
            && rows.getMessage().contains("2999")
            && rows.getMessage().contains("3000"),
        rows.getMessage());
    assertThrows(StoreException.class, () -> StoreWriter.open(dir, allocator));

    Files.write(dir.resolve(Manifest.FILE_NAME), good);
    editManifest(m -> ((ArrayNode) m.get("layers")).add(layer(m).deepCopy()));
    StoreException twice = assertThrows(StoreException.class, () -> Store.open(dir));
    assertTrue(twice.getMessage().contains("layer m/l is listed twice"), twice.getMessage());

    Files.write(dir.resolve(Manifest.FILE_NAME), good);
    editManifest(m -> ((ObjectNode) m.get("samples")).put("rows", 7));
    StoreException samples = assertThrows(StoreException.class, () -> Store.open(dir));
    assertTrue(samples.getMessage().contains("samples"), samples.getMessage());
  }

  @Test
  void storesWrittenBeforeChecksumsStillOpenAndTheFullCheckCountsTheirRows() throws IOException {
    storeWithOneLayer(3000);
    editManifest(
        m -> {
          layer(m).putNull("checksums");
          ((ObjectNode) m.get("samples")).remove("checksums");
        });
    Store store = Store.open(dir);
    assertFalse(store.hasChecksums());
    assertEquals(List.of(), store.check(allocator));
    assertEquals(3000, StoreTest.readAndCheck(store, "m", "l", 1, allocator).size());
    assertEquals(3000, store.samples(allocator).size());
    editManifest(m -> layer(m).put("rows", 2999));
    List<String> problems = Store.open(dir).check(allocator);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("3000 rows, but the manifest says 2999"), problems.get(0));
  }

  @Test
  void samplesAndLayersPublishedTogetherAreOneGeneration() throws IOException {
    storeWithOneLayer(10);
    long before = Store.open(dir).manifest().generation();
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      LayerWriter a = w.beginLayer("n", "a", 4, "avg");
      LayerWriter b = w.beginLayer("n", "b", 4, "avg");
      for (int i = 0; i < 20; i++) {
        a.append(i, new float[] {i, 0, 0, 0}, 0);
        b.append(i, new float[] {0, i, 0, 0}, 0);
      }
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < 20; i++) samples.add(new Sample(i, "train", i % 10, "c" + (i % 10), "t"));
      w.publish(samples, List.of(a, b));
    }
    Store store = Store.open(dir);
    assertEquals(before + 1, store.manifest().generation());
    assertEquals(3, store.layers().size());
    assertEquals(20, store.samples(allocator).size());
    assertEquals(List.of(), store.check(allocator));
  }

  private static List<ArrowBlock> blocks(Path file) throws IOException {
    try (BufferAllocator a = new RootAllocator();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader r = new ArrowFileReader(ch, a)) {
      return r.getRecordBlocks();
    }
  }

  /** Inverts {@code count} bytes at {@code at}; the size stays. */
  static void flip(Path file, long at, int count) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 0; i < count; i++) bytes[(int) at + i] ^= (byte) 0xFF;
    Files.write(file, bytes);
  }

  private static List<Path> listing(Path d) throws IOException {
    try (Stream<Path> s = Files.walk(d)) {
      return s.sorted().toList();
    }
  }
}

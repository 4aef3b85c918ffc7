package io.actdb.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token layers: one row per (sample_id, position), written, read back, checked and refused. */
class TokenLayerTest {
  static final String TOKENIZER = "sha256:0123abcd";

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

  /** Tokens of sample {@code id}: {@code 1 + id % 9} of them (the sample's length in tokens). */
  static int tokensOf(long id) {
    return 1 + (int) (id % 9);
  }

  /** The text of token {@code p} of sample {@code id}, some of it outside ASCII. */
  static String tokenText(long id, int p) {
    return p == 0 ? "[CLS]" : (p % 3 == 0 ? "ü" : "w") + id + "_" + p;
  }

  /** Element j of token p of sample id's vector. */
  static float tokenValue(long id, int p, int j, int salt) {
    return StoreTest.value(id * 100 + p, j, salt);
  }

  /**
   * Writes token layer {@code model/layer} for samples {@code 0 .. samples}, in calls of a few
   * samples each (as an extraction hands over batches).
   *
   * @return the number of token rows
   */
  static long writeTokenLayer(
      StoreWriter w, String model, String layer, int dim, int samples, int salt, String tokenizer)
      throws IOException {
    long total = 0;
    try (LayerWriter lw =
        w.beginLayer(new LayerSpec(model, layer, dim, "none", -1, true, tokenizer))) {
      for (int first = 0; first < samples; first += 7) {
        int last = Math.min(samples, first + 7);
        int count = 0;
        for (long id = first; id < last; id++) count += tokensOf(id);
        long[] ids = new long[count];
        int[] positions = new int[count];
        String[] tokens = new String[count];
        float[] rows = new float[count * dim];
        int r = 0;
        for (long id = first; id < last; id++) {
          for (int p = 0; p < tokensOf(id); p++, r++) {
            ids[r] = id;
            positions[r] = p;
            tokens[r] = tokenText(id, p);
            for (int j = 0; j < dim; j++) rows[r * dim + j] = tokenValue(id, p, j, salt);
          }
        }
        lw.appendTokens(ids, positions, tokens, rows, count);
        total += count;
      }
      lw.commit();
    }
    return total;
  }

  /** Reads a token layer through {@link LayerReader}, checking every row; returns the row count. */
  static long readAndCheckTokens(Store store, LayerEntry entry, int salt, BufferAllocator a)
      throws IOException {
    long rows = 0;
    long expectedId = 0;
    int expectedPosition = 0;
    try (LayerReader r = store.openLayer(entry, a)) {
      assertTrue(r.tokenRows());
      float[] v = new float[r.dim()];
      while (r.nextBatch()) {
        for (int i = 0; i < r.batchRows(); i++, rows++) {
          long id = r.sampleId(i);
          int p = r.position(i);
          assertEquals(expectedId, id, "row " + rows);
          assertEquals(expectedPosition, p, "row " + rows);
          assertEquals(tokenText(id, p), r.token(i));
          r.copyVector(i, v, 0);
          for (int j = 0; j < v.length; j++) {
            if (v[j] != tokenValue(id, p, j, salt))
              throw new AssertionError("id " + id + " position " + p + " element " + j);
          }
          if (++expectedPosition == tokensOf(expectedId)) {
            expectedId++;
            expectedPosition = 0;
          }
        }
      }
    }
    return rows;
  }

  @Test
  void tokenRowsAreWrittenAndReadBackAcrossBatches() throws IOException {
    int samples = 3000;
    long expectedRows = 0;
    for (long id = 0; id < samples; id++) expectedRows += tokensOf(id);
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      // dim 1500 makes batches of 1398 rows: the ~15000 token rows span 11 batches.
      assertEquals(expectedRows, writeTokenLayer(w, "enc", "layer0", 1500, samples, 3, TOKENIZER));
      StoreTest.writeLayer(w, "enc", "pooled", 4, 0, samples, 4);
    }
    Store store = Store.open(dir);
    LayerEntry tokens = store.manifest().layer("enc", "layer0").orElseThrow();
    assertEquals(LayerEntry.TOKEN, tokens.granularity());
    assertTrue(tokens.tokenRows());
    assertEquals(TOKENIZER, tokens.tokenizer());
    assertEquals(expectedRows, tokens.rows());
    assertEquals("none", tokens.pooling());
    assertTrue(tokens.checksums().batches().size() > 1, "several record batches");
    assertEquals(expectedRows, readAndCheckTokens(store, tokens, 3, allocator));

    LayerEntry pooled = store.manifest().layer("enc", "pooled").orElseThrow();
    assertEquals(LayerEntry.SAMPLE, pooled.granularity());
    assertFalse(pooled.tokenRows());
    assertNull(pooled.tokenizer());
    assertEquals(List.of(), store.check(allocator));
    assertEquals(List.of(), store.check(allocator, true));
  }

  /** The file's schema as a plain Arrow reader sees it, and its rows without the store's reader. */
  @Test
  void theFileHasTheDocumentedColumns() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      writeTokenLayer(w, "enc", "t", 3, 2, 1, TOKENIZER);
    }
    Store store = Store.open(dir);
    Path file = store.fileOf(store.layers().get(0));
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      assertEquals(
          List.of("sample_id", "position", "token", "vec"),
          root.getSchema().getFields().stream().map(f -> f.getName()).toList());
      assertTrue(reader.loadNextBatch());
      // sample 0 has 1 token, sample 1 has 2
      assertEquals(3, root.getRowCount());
      BigIntVector ids = (BigIntVector) root.getVector(0);
      IntVector positions = (IntVector) root.getVector(1);
      VarCharVector tokens = (VarCharVector) root.getVector(2);
      FixedSizeListVector vec = (FixedSizeListVector) root.getVector(3);
      assertEquals(List.of(0L, 1L, 1L), List.of(ids.get(0), ids.get(1), ids.get(2)));
      assertEquals(List.of(0, 0, 1), List.of(positions.get(0), positions.get(1), positions.get(2)));
      assertEquals("[CLS]", tokens.getObject(1).toString());
      assertEquals("w1_1", tokens.getObject(2).toString());
      assertEquals(
          List.of(tokenValue(1, 1, 0, 1), tokenValue(1, 1, 1, 1), tokenValue(1, 1, 2, 1)),
          vec.getObject(2));
      assertFalse(reader.loadNextBatch());
    }
  }

  @Test
  void eachKindOfLayerRefusesTheOtherKindOfRows() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator);
        LayerWriter tokens =
            w.beginLayer(new LayerSpec("enc", "t", 2, "none", 0, true, TOKENIZER));
        LayerWriter samples = w.beginLayer("enc", "s", 2, "mean")) {
      IllegalStateException append =
          assertThrows(IllegalStateException.class, () -> tokens.append(0, new float[2], 0));
      assertTrue(append.getMessage().contains("appendTokens"), append.getMessage());
      IllegalStateException appendTokens =
          assertThrows(
              IllegalStateException.class,
              () ->
                  samples.appendTokens(
                      new long[] {0}, new int[] {0}, new String[] {"a"}, new float[2], 1));
      assertTrue(appendTokens.getMessage().contains("use append"), appendTokens.getMessage());
      IllegalArgumentException noText =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  tokens.appendTokens(
                      new long[] {4}, new int[] {0}, new String[] {null}, new float[2], 1));
      assertTrue(noText.getMessage().contains("sample 4"), noText.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () ->
              tokens.appendTokens(
                  new long[] {4, 4}, new int[] {0, 1}, new String[] {"a", "b"}, new float[3], 2));
      assertEquals(0, tokens.rows(), "nothing of a refused call was appended");
    }
    // nothing was committed: the store this writer created is removed again
    assertFalse(Files.exists(dir.resolve(Manifest.FILE_NAME)));
  }

  @Test
  void aBitFlipInATokenLayerIsNamedByTheCheckAndByTheReader() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      writeTokenLayer(w, "enc", "t", 1500, 1000, 5, TOKENIZER);
    }
    Store store = Store.open(dir);
    LayerEntry entry = store.layers().get(0);
    Path file = store.fileOf(entry);
    ArrowBlock damaged;
    int batches;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader r = new ArrowFileReader(ch, allocator)) {
      batches = r.getRecordBlocks().size();
      damaged = r.getRecordBlocks().get(1);
    }
    // the last bytes of a batch's body are vector floats
    StoreReliabilityTest.flip(
        file,
        damaged.getOffset() + damaged.getMetadataLength() + damaged.getBodyLength() - 100,
        64);
    assertEquals(List.of(), store.check(allocator, true), "the quick check reads footers only");
    List<String> problems = store.check(allocator);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains(file.toString())
            && problems.get(0).contains("record batch 1 of " + batches)
            && problems.get(0).contains("column vec"),
        problems.get(0));
    StoreException read =
        assertThrows(StoreException.class, () -> readAndCheckTokens(store, entry, 5, allocator));
    assertTrue(read.getMessage().contains("record batch 1 of"), read.getMessage());
  }

  @Test
  void aTokenLayerWhoseFileHasSampleRowsIsNamed() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      writeTokenLayer(w, "enc", "t", 4, 10, 1, TOKENIZER);
      StoreTest.writeLayer(w, "enc", "s", 4, 0, 10, 1);
    }
    Store store = Store.open(dir);
    LayerEntry tokens = store.manifest().layer("enc", "t").orElseThrow();
    LayerEntry samples = store.manifest().layer("enc", "s").orElseThrow();
    // swap the granularities in the manifest: each file now disagrees with its entry
    Path manifest = dir.resolve(Manifest.FILE_NAME);
    String json = Files.readString(manifest);
    Files.writeString(
        manifest,
        json.replace("\"granularity\" : \"token\"", "\"granularity\" : \"X\"")
            .replace("\"granularity\" : \"sample\"", "\"granularity\" : \"token\"")
            .replace("\"granularity\" : \"X\"", "\"granularity\" : \"sample\""));
    Store swapped = Store.open(dir);
    List<String> problems = swapped.check(allocator, true);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.contains(swapped.fileOf(tokens).toString())),
        problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("token layer should have 4 columns")),
        problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.contains(swapped.fileOf(samples).toString())),
        problems.toString());

    Files.writeString(
        manifest, json.replace("\"granularity\" : \"token\"", "\"granularity\" : \"word\""));
    StoreException unknown = assertThrows(StoreException.class, () -> Store.open(dir));
    assertTrue(
        unknown.getMessage().contains("enc/t") && unknown.getMessage().contains("\"word\""),
        unknown.getMessage());
  }
}

package io.actdb.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The samples' {@code text} column, and stores written before it existed. */
class SampleTextTest {
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

  @Test
  void textsAreWrittenAndReadBack() throws IOException {
    List<Sample> samples =
        List.of(
            new Sample(0, "train", 1, "noun.animal", "wordnet:1", "a dog, \"barking\"\nloudly"),
            new Sample(1, null, null, null, null, "Grüße — 日本語"),
            new Sample(2, "test", 0, "x", "img.png"));
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      w.addSamples(samples);
      // the same sample with another text is another sample
      assertThrows(
          StoreException.class,
          () -> w.addSamples(List.of(new Sample(1, null, null, null, null, "other"))));
    }
    Store store = Store.open(dir);
    assertTrue(store.manifest().samples().textColumn());
    assertEquals(samples, store.samples(allocator));
    assertEquals(null, store.samples(allocator).get(2).text());
    assertEquals(List.of(), store.check(allocator));
  }

  /**
   * A store as actdb wrote it before samples had text: a five-column samples file (written here
   * with plain Arrow) and a manifest entry without {@code text_column} or checksums.
   */
  @Test
  void storesWithoutTheTextColumnStillOpenAndGainItWhenSamplesAreAdded() throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      w.addSamples(List.of(new Sample(0, "train", 1, "a", "s0")));
      StoreTest.writeLayer(w, "m", "l", 2, 0, 2, 1);
    }
    Path old = dir.resolve("samples-old.arrow");
    Schema fiveColumns =
        new Schema(
            List.of(
                new Field("sample_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("split", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("label", FieldType.nullable(new ArrowType.Int(32, true)), null),
                new Field("label_name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("source", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(fiveColumns, allocator);
        FileChannel ch =
            FileChannel.open(old, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, ch)) {
      writer.start();
      root.allocateNew();
      for (int i = 0; i < 2; i++) {
        ((BigIntVector) root.getVector(0)).setSafe(i, i);
        ((VarCharVector) root.getVector(1)).setSafe(i, "train".getBytes(StandardCharsets.UTF_8));
        ((IntVector) root.getVector(2)).setSafe(i, i);
        ((VarCharVector) root.getVector(3)).setSafe(i, ("c" + i).getBytes(StandardCharsets.UTF_8));
        ((VarCharVector) root.getVector(4)).setNull(i);
      }
      root.setRowCount(2);
      writer.writeBatch();
      writer.end();
    }
    Path manifest = dir.resolve(Manifest.FILE_NAME);
    ObjectNode m = (ObjectNode) JSON.readTree(manifest.toFile());
    ObjectNode samples = (ObjectNode) m.get("samples");
    samples.put("file", "samples-old.arrow").put("rows", 2).put("bytes", Files.size(old));
    samples.remove(List.of("checksums", "text_column"));
    Files.write(manifest, JSON.writeValueAsBytes(m));

    Store store = Store.open(dir);
    assertFalse(store.manifest().samples().textColumn());
    assertEquals(
        List.of(new Sample(0, "train", 0, "c0", null), new Sample(1, "train", 1, "c1", null)),
        store.samples(allocator));
    assertEquals(List.of(), store.check(allocator));

    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      w.addSamples(List.of(new Sample(2, "test", null, null, null, "new text")));
    }
    Store after = Store.open(dir);
    assertTrue(after.manifest().samples().textColumn());
    assertEquals(
        List.of(
            new Sample(0, "train", 0, "c0", null),
            new Sample(1, "train", 1, "c1", null),
            new Sample(2, "test", null, null, null, "new text")),
        after.samples(allocator));
    assertEquals(List.of(), after.check(allocator));
    assertFalse(Files.exists(old), "the replaced samples file was removed");
  }
}

package io.actdb.sql.tables;

import static io.actdb.sql.TestDb.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.actdb.sql.StoreConnections;
import io.actdb.storage.Manifest;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code samples.text} through SQL: written texts, and NULL in stores older than the column. */
class SampleTextSqlTest {
  @TempDir Path dir;
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertEquals(0, ArrowFileScan.openResources(), "Arrow readers left open");
    allocator.close();
  }

  @Test
  void textsAreInTheSamplesViewAndInStoreSamples() throws IOException, SQLException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      w.addSamples(
          List.of(
              new Sample(0, "train", 1, "fortunes/art", "f:0", "Art is long, 'life' short."),
              new Sample(1, "train", 2, "fortunes/love", "f:1", "Grüße"),
              new Sample(2, "test", 1, "fortunes/art", "f:2")));
    }
    try (Connection c = StoreConnections.open(dir)) {
      assertEquals(
          List.of(
              Arrays.asList(0L, "Art is long, 'life' short."),
              Arrays.asList(1L, "Grüße"),
              Arrays.asList(2L, null)),
          rows(c, "SELECT sample_id, text FROM samples ORDER BY sample_id"));
      assertEquals(
          List.of(List.of("fortunes/art", 1L), List.of("fortunes/love", 1L)),
          rows(c, "SELECT label_name, count(text) FROM store_samples() GROUP BY ALL ORDER BY ALL"));
      assertEquals(
          List.of(List.of("VARCHAR")), rows(c, "SELECT typeof(text) FROM samples LIMIT 1"));
    }
  }

  @Test
  void aStoreWithoutTheTextColumnShowsNullTexts() throws IOException, SQLException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      w.addSamples(List.of(new Sample(0, "train", 1, "a", "s0")));
    }
    // a samples file as written before samples had text: sample_id only is enough here, the
    // other columns are checked the same way; text must read as NULL
    Path old = dir.resolve("samples-old.arrow");
    Schema schema =
        new Schema(
            List.of(
                new Field("sample_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("split", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("label", FieldType.nullable(new ArrowType.Int(32, true)), null),
                new Field("label_name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("source", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel ch =
            FileChannel.open(old, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, ch)) {
      writer.start();
      root.allocateNew();
      for (int i = 0; i < 3; i++) {
        ((BigIntVector) root.getVector(0)).setSafe(i, 10 + i);
        ((VarCharVector) root.getVector(1)).setSafe(i, "train".getBytes(StandardCharsets.UTF_8));
      }
      root.setRowCount(3);
      writer.writeBatch();
      writer.end();
    }
    ObjectMapper json = new ObjectMapper();
    Path manifest = dir.resolve(Manifest.FILE_NAME);
    ObjectNode m = (ObjectNode) json.readTree(manifest.toFile());
    ObjectNode samples = (ObjectNode) m.get("samples");
    samples.put("file", "samples-old.arrow").put("rows", 3).put("bytes", Files.size(old));
    samples.remove(List.of("checksums", "text_column"));
    Files.write(manifest, json.writeValueAsBytes(m));

    try (Connection c = StoreConnections.open(dir)) {
      assertEquals(
          List.of(
              Arrays.asList(10L, "train", null),
              Arrays.asList(11L, "train", null),
              Arrays.asList(12L, "train", null)),
          rows(c, "SELECT sample_id, split, text FROM samples ORDER BY sample_id"));
      assertEquals(List.of(List.of(3L, 0L)), rows(c, "SELECT count(*), count(text) FROM samples"));
      assertEquals(List.of(List.of(0L)), rows(c, "SELECT count(text) FROM store_samples()"));
    }
  }
}

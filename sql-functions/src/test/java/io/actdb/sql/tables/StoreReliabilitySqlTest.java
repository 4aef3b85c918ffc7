package io.actdb.sql.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.actdb.sql.StoreConnections;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's integrity promises seen through SQL: a damaged batch fails the queries that read it,
 * naming file and batch; one damaged file leaves the rest of the store readable; a connection that
 * outlived a writer's publication says so.
 */
class StoreReliabilitySqlTest {
  static final int ROWS = 5000;
  static final int DIM = 64;

  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void writeStore() throws IOException {
    allocator = new RootAllocator();
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      List<Sample> samples = new ArrayList<>();
      for (int r = 0; r < ROWS; r++)
        samples.add(new Sample(r, r % 5 == 0 ? "test" : "train", r % 10, "c" + (r % 10), "gen"));
      w.addSamples(samples);
      writeLayer(w, "a", 1);
      writeLayer(w, "b", 2);
    }
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, ArrowFileScan.openResources(), "Arrow readers left open");
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  /** Element j of sample id's vector in the layer with this salt. */
  static float value(long id, int j, int salt) {
    return (float) (id * 0.25 + j * 0.001 + salt);
  }

  private static void writeLayer(StoreWriter w, String layer, int salt) throws IOException {
    try (LayerWriter lw = w.beginLayer("m", layer, DIM, "avg")) {
      float[] v = new float[DIM];
      for (int r = 0; r < ROWS; r++) {
        for (int j = 0; j < DIM; j++) v[j] = value(r, j, salt);
        lw.append(r, v, 0);
      }
      lw.commit();
    }
  }

  private static double sumOfFirst(int salt) {
    double s = 0;
    for (int r = 0; r < ROWS; r++) s += value(r, 0, salt);
    return s;
  }

  private static double number(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getDouble(1);
    }
  }

  private static SQLException fails(Connection c, String sql) {
    return assertThrows(SQLException.class, () -> number(c, sql), sql);
  }

  private Path fileOf(String layer) throws IOException {
    Store store = Store.open(dir);
    return store.fileOf(store.manifest().layer("m", layer).orElseThrow());
  }

  private static List<ArrowBlock> blocks(Path file) throws IOException {
    try (BufferAllocator a = new RootAllocator();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader r = new ArrowFileReader(ch, a)) {
      return r.getRecordBlocks();
    }
  }

  /** Inverts {@code count} bytes at {@code at}; the size stays. */
  private static void flip(Path file, long at, int count) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 0; i < count; i++) bytes[(int) at + i] ^= (byte) 0xFF;
    Files.write(file, bytes);
  }

  @Test
  void aFlippedLayerBatchFailsTheQueriesThatReadItNamingFileAndBatch() throws Exception {
    Path file = fileOf("a");
    List<ArrowBlock> blocks = blocks(file);
    ArrowBlock damaged = blocks.get(1);
    // the end of a batch body is its float values, the last buffer
    flip(
        file,
        damaged.getOffset() + damaged.getMetadataLength() + damaged.getBodyLength() - 200,
        64);
    try (Connection c = StoreConnections.open(dir)) {
      SQLException e = fails(c, "SELECT sum(vec[1]) FROM layer('m', 'a')");
      assertTrue(
          e.getMessage().contains(file.toString())
              && e.getMessage().contains("record batch 1 of " + blocks.size())
              && e.getMessage().contains("column vec"),
          e.getMessage());
      SQLException viaView =
          fails(
              c,
              "SELECT cka(a.vec, b.vec) FROM activations a JOIN activations b USING (sample_id)"
                  + " WHERE a.layer = 'a' AND b.layer = 'b'");
      assertTrue(viaView.getMessage().contains("record batch 1 of"), viaView.getMessage());
      // only the bytes a query reads are checked: the ids are intact
      assertEquals(
          (double) ROWS * (ROWS - 1) / 2, number(c, "SELECT sum(sample_id) FROM layer('m', 'a')"));
      assertEquals(
          sumOfFirst(2),
          number(c, "SELECT sum(vec[1]) FROM layer('m', 'b')"),
          1e-6 * sumOfFirst(2));
      assertEquals(1.0, number(c, "SELECT 1"));
    }
  }

  @Test
  void aFlippedHeaderIsCaughtBeforeItIsParsed() throws Exception {
    Path file = fileOf("a");
    ArrowBlock first = blocks(file).get(0);
    flip(file, first.getOffset() + first.getMetadataLength() / 2, 4);
    try (Connection c = StoreConnections.open(dir)) {
      SQLException e = fails(c, "SELECT sum(sample_id) FROM layer('m', 'a')");
      assertTrue(
          e.getMessage().contains("record batch 0 of") && e.getMessage().contains("header"),
          e.getMessage());
    }
  }

  @Test
  void aFlippedSamplesFileFailsOnlyTheSamplesQueries() throws Exception {
    Path file = Store.open(dir).samplesFile();
    ArrowBlock only = blocks(file).get(0);
    flip(file, only.getOffset() + only.getMetadataLength() + only.getBodyLength() / 2, 32);
    try (Connection c = StoreConnections.open(dir)) {
      SQLException e = fails(c, "SELECT sum(label) FROM samples");
      assertTrue(
          e.getMessage().contains(file.toString())
              && e.getMessage().contains("record batch 0 of 1")
              && e.getMessage().contains("checksum mismatch"),
          e.getMessage());
      assertEquals(
          sumOfFirst(1),
          number(c, "SELECT sum(vec[1]) FROM layer('m', 'a')"),
          1e-6 * sumOfFirst(1));
    }
  }

  @Test
  void aMissingOrGarbledSamplesFileLeavesTheConnectionAndTheLayersWorking() throws Exception {
    Path file = Store.open(dir).samplesFile();
    byte[] noise = new byte[(int) Files.size(file)];
    new Random(3).nextBytes(noise);
    Files.write(file, noise);
    try (Connection c = StoreConnections.open(dir)) {
      assertEquals(1.0, number(c, "SELECT 1"));
      assertEquals(
          sumOfFirst(1),
          number(c, "SELECT sum(vec[1]) FROM layer('m', 'a')"),
          1e-6 * sumOfFirst(1));
      SQLException e = fails(c, "SELECT count(*) FROM samples");
      assertTrue(
          e.getMessage().contains("samples") && e.getMessage().contains(file.toString()),
          e.getMessage());
    }
    Files.delete(file);
    try (Connection c = StoreConnections.open(dir)) {
      assertEquals(2.0 * ROWS, number(c, "SELECT count(*) FROM activations"));
      assertEquals(
          sumOfFirst(2),
          number(c, "SELECT sum(vec[1]) FROM layer('m', 'b')"),
          1e-6 * sumOfFirst(2));
      SQLException e =
          fails(c, "SELECT count(*) FROM samples JOIN layer('m', 'a') USING (sample_id)");
      assertTrue(
          e.getMessage().contains(file.toString()) && e.getMessage().contains("missing"),
          e.getMessage());
    }
  }

  @Test
  void aConnectionOpenedBeforeAPublicationSaysTheStoreChanged() throws Exception {
    try (Connection before = StoreConnections.open(dir)) {
      assertEquals(ROWS, number(before, "SELECT count(*) FROM samples"));
      try (StoreWriter w = StoreWriter.open(dir, allocator)) {
        w.addSamples(List.of(new Sample(ROWS, "test", 1, "c1", "later")));
        writeLayer(w, "a", 7);
      }
      for (String sql :
          List.of("SELECT count(*) FROM samples", "SELECT sum(vec[1]) FROM layer('m', 'a')")) {
        SQLException e = fails(before, sql);
        assertTrue(
            e.getMessage().contains("the store changed since this connection opened it"),
            e.getMessage());
      }
      // what the writer did not replace still reads
      assertEquals(
          sumOfFirst(2),
          number(before, "SELECT sum(vec[1]) FROM layer('m', 'b')"),
          1e-6 * sumOfFirst(2));
    }
    try (Connection after = StoreConnections.open(dir)) {
      assertEquals(ROWS + 1, number(after, "SELECT count(*) FROM samples"));
      assertEquals(
          sumOfFirst(7),
          number(after, "SELECT sum(vec[1]) FROM layer('m', 'a')"),
          1e-6 * sumOfFirst(7));
    }
  }

  @Test
  void aManifestThatListsALayerTwiceIsRefusedWhenAConnectionOpens() throws Exception {
    Path manifest = dir.resolve("manifest.json");
    var json = (ObjectNode) new ObjectMapper().readTree(manifest.toFile());
    var layers = (ArrayNode) json.get("layers");
    layers.add(layers.get(0).deepCopy());
    Files.writeString(manifest, json.toString());
    SQLException e = assertThrows(SQLException.class, () -> StoreConnections.open(dir).close());
    assertTrue(
        e.getMessage().contains("manifest.json") && e.getMessage().contains("listed twice"),
        e.getMessage());
  }

  @Test
  void aStoreWithoutChecksumsStillAnswers() throws Exception {
    Path manifest = dir.resolve("manifest.json");
    var json = (ObjectNode) new ObjectMapper().readTree(manifest.toFile());
    ((ObjectNode) json.get("samples")).remove("checksums");
    for (var layer : json.get("layers")) ((ObjectNode) layer).remove("checksums");
    Files.writeString(manifest, json.toString());
    try (Connection c = StoreConnections.open(dir)) {
      assertEquals(ROWS, number(c, "SELECT count(*) FROM samples"));
      assertEquals(
          sumOfFirst(1),
          number(c, "SELECT sum(vec[1]) FROM layer('m', 'a')"),
          1e-6 * sumOfFirst(1));
    }
  }
}

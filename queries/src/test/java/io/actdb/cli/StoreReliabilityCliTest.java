package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.actdb.storage.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's integrity promises as a user meets them: {@code actdb import} and {@code actdb info}.
 */
class StoreReliabilityCliTest {
  @TempDir Path dir;
  private Path store;
  private Path input;

  @BeforeEach
  void setUp() throws SQLException {
    store = dir.resolve("store");
    input = dir.resolve("acts.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute(
          "COPY (SELECT i AS sample_id, [i::FLOAT, 1, 2, 3] AS vec FROM range(5000) t(i)) TO '"
              + input
              + "'");
    }
  }

  private Cli.Result importLayer(String layer, Path file) throws Exception {
    return Cli.run(
        "import", "--store", store.toString(), "--model", "m", "--layer", layer, file.toString());
  }

  @Test
  void aFailedImportIntoANewStoreLeavesNoDirectory() throws Exception {
    Cli.Result missing = importLayer("l", dir.resolve("no-such.parquet"));
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("no-such.parquet"), missing.err());
    assertFalse(Files.exists(store), "a store directory was created");
    Path garbage = dir.resolve("garbage.parquet");
    Files.writeString(garbage, "not a parquet file");
    assertEquals(1, importLayer("l", garbage).status());
    assertFalse(Files.exists(store), "a store directory was created");
  }

  @Test
  void anImportRefusesAManifestThatNamesAFileOutsideTheStore() throws Exception {
    assertEquals(0, importLayer("l", input).status());
    Path precious = dir.resolve("precious.txt");
    Files.writeString(precious, "keep me");
    Path manifest = store.resolve("manifest.json");
    String json = Files.readString(manifest);
    String file = Store.open(store).layers().get(0).file();
    Files.writeString(manifest, json.replace("\"" + file + "\"", "\"../precious.txt\""));
    Cli.Result again = importLayer("l", input);
    assertEquals(1, again.status());
    assertTrue(
        again.err().contains("../precious.txt") && again.err().contains("layer m/l"), again.err());
    assertEquals("keep me", Files.readString(precious));
  }

  @Test
  void anImportRefusesAFolderWithoutManifest() throws Exception {
    Path mine =
        Files.createDirectories(store.resolve("activations/mine")).resolve("important.arrow");
    Files.writeString(mine, "mine");
    Cli.Result r = importLayer("l", input);
    assertEquals(1, r.status());
    assertTrue(
        r.err().contains("not an actdb store") && r.err().contains("use an empty or new directory"),
        r.err());
    assertEquals("mine", Files.readString(mine));
    assertFalse(Files.exists(store.resolve("manifest.json")));
  }

  @Test
  void infoReadsEveryByteAndQuickOnlyTheFooters() throws Exception {
    assertEquals(0, importLayer("l", input).status());
    Cli.Result healthy = Cli.run("info", store.toString());
    assertEquals(0, healthy.status(), healthy.err());
    assertTrue(
        healthy.out().contains("every byte against the recorded CRC32C checksums"), healthy.out());
    Path file = Store.open(store).fileOf(Store.open(store).layers().get(0));
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 0; i < 64; i++) bytes[bytes.length / 2 + i] ^= (byte) 0xFF;
    Files.write(file, bytes);
    Cli.Result damaged = Cli.run("info", store.toString());
    assertEquals(1, damaged.status());
    assertTrue(
        damaged.err().contains(file.toString()) && damaged.err().contains("record batch"),
        damaged.err());
    assertEquals(0, Cli.run("info", "--quick", store.toString()).status());
  }

  @Test
  void infoSaysWhenAStoreHasNoChecksums() throws Exception {
    assertEquals(0, importLayer("l", input).status());
    Path manifest = store.resolve("manifest.json");
    var json = new ObjectMapper().readTree(manifest.toFile());
    ((ObjectNode) json.get("samples")).remove("checksums");
    ((ObjectNode) json.get("layers").get(0)).remove("checksums");
    Files.writeString(manifest, json.toString());
    Cli.Result r = Cli.run("info", store.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("no checksums recorded"), r.out());
  }
}

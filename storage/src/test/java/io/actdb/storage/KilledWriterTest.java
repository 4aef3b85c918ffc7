package io.actdb.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a writer process at random moments and checks that the store it leaves opens and
 * shows exactly the published state: every layer the manifest names reads in full with the right
 * values and row count, the samples too, and no other layer appears.
 */
class KilledWriterTest {
  @TempDir Path dir;

  @Test
  void aKilledWriterLeavesAStoreThatTellsTheTruth() throws Exception {
    Random random = new Random(42);
    Set<Long> generationsSeen = new HashSet<>();
    int kills = 12;
    int midWrite = 0;
    int tokenLayersSeen = 0;
    for (int k = 0; k < kills; k++) {
      Process victim = start();
      // Wait until it writes (JVM start-up takes long on a busy machine), then kill it at a
      // random moment within its first few publications.
      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = lines.readLine()) != null && !line.equals("writing")) {
        // JVM warnings before the first line of the victim's own
      }
      assertTrue(line != null, "the writer process ended before writing");
      Thread.sleep(200 + random.nextInt(1300));
      victim.destroyForcibly();
      assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
      try (Stream<Path> files = Files.walk(dir)) {
        if (files.anyMatch(p -> p.toString().endsWith(".tmp"))) midWrite++;
      }
      if (!Files.exists(dir.resolve(Manifest.FILE_NAME))) continue; // killed before any publication
      generationsSeen.add(verify());
      if (Store.open(dir).layers().stream().anyMatch(LayerEntry::tokenRows)) tokenLayersSeen++;
    }
    // Token layers were among the published states checked.
    assertTrue(tokenLayersSeen > 0, "no token layer was published before the kills");
    // The kills did land at different points: several distinct published states were checked.
    assertTrue(generationsSeen.size() >= 3, "states checked: " + generationsSeen);
    // ... and some in the middle of writing a file (a temporary file was left behind).
    System.out.println(
        "kills: " + kills + ", mid-write: " + midWrite + ", states: " + generationsSeen);
    assertTrue(midWrite >= 1, "kills that hit a write: " + midWrite + " of " + kills);
    // Leftovers of the killed writers go when the next writer opens.
    StoreWriter.open(dir).close();
    verify();
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> temps = files.filter(p -> p.toString().endsWith(".tmp")).toList();
      assertEquals(List.of(), temps);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      long arrow = files.filter(p -> p.toString().endsWith(".arrow")).count();
      Store store = Store.open(dir);
      assertEquals(store.layers().size() + 1, arrow, "files other than the published ones remain");
    }
  }

  private Process start() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            KillVictim.class.getName(),
            dir.toString())
        .redirectErrorStream(true)
        .start();
  }

  /** Checks everything the manifest names; returns its generation. */
  private long verify() throws IOException {
    Store store = Store.open(dir);
    try (BufferAllocator allocator = new RootAllocator()) {
      assertEquals(List.of(), store.check(allocator));
      for (LayerEntry e : store.layers()) {
        int g = Integer.parseInt(e.layer().substring(1));
        assertEquals("m" + (g % 3), e.model());
        if (e.tokenRows()) {
          assertEquals("t" + g, e.layer());
          assertEquals(KillVictim.tokenRowsOf(g), e.rows(), e.qualifiedName());
          assertEquals(
              e.rows(),
              TokenLayerTest.readAndCheckTokens(store, e, g, allocator),
              e.qualifiedName());
          continue;
        }
        assertEquals(KillVictim.rowsOf(g), e.rows(), e.qualifiedName());
        List<Long> ids = StoreTest.readAndCheck(store, e.model(), e.layer(), g, allocator);
        assertEquals(e.rows(), ids.size(), e.qualifiedName());
      }
      if (!store.layers().isEmpty()) {
        // samples are published before the layer that uses them (a sample layer has one row
        // per sample; a token layer's rows are tokens of fewer samples)
        long maxRows =
            store.layers().stream()
                .filter(e -> !e.tokenRows())
                .mapToLong(LayerEntry::rows)
                .max()
                .orElse(0);
        assertTrue(store.samples(allocator).size() >= maxRows);
      }
      assertEquals(0, allocator.getAllocatedMemory());
    }
    return store.manifest().generation();
  }
}

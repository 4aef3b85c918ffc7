package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.storage.LayerEntry;
import io.actdb.storage.Store;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code actdb extract}: the CLI runs as a child process, gets SIGINT while it is
 * writing its layer files, and must leave the store exactly as it was, with no new model folder.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ExtractInterruptTest {
  @TempDir Path dir;

  @Test
  void sigintDuringExtractionLeavesTheStoreAsItWas() throws Exception {
    Path store = dir.resolve("store");
    Path images = SmallIdx.write(dir.resolve("data"), 40);
    Cli.Result first =
        Cli.run(
            "extract",
            "--store",
            store.toString(),
            "--model",
            "cnn",
            "--data",
            images.toString(),
            "--device",
            "cpu",
            "--name",
            "kept");
    assertEquals(0, first.status(), first.err());
    Map<String, byte[]> before = files(store);

    Path stderr = dir.resolve("stderr.txt");
    Process child =
        new ProcessBuilder(childCommand(store))
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(stderr.toFile())
            .start();
    try {
      // Interrupt only once a layer file is being written, so that there is something to undo.
      Path partial = store.resolve("activations").resolve("interrupted");
      while (child.isAlive() && !holdsTemporaryFile(partial)) Thread.sleep(20);
      assertTrue(child.isAlive(), "the extraction ended before it could be interrupted");
      Process kill = new ProcessBuilder("kill", "-INT", "" + child.pid()).start();
      assertEquals(0, kill.waitFor());
      assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the interrupted extraction did not end");
    } finally {
      child.destroyForcibly();
    }
    String err = Files.readString(stderr, StandardCharsets.UTF_8);
    assertNotEquals(0, child.exitValue(), err);

    Map<String, byte[]> after = files(store);
    assertEquals(before.keySet(), after.keySet(), "files of the store after the interruption");
    for (String file : before.keySet()) assertArrayEquals(before.get(file), after.get(file), file);
    assertFalse(Files.exists(store.resolve("activations").resolve("interrupted")));
    Store s = Store.open(store);
    assertEquals(List.of("kept"), s.layers().stream().map(LayerEntry::model).distinct().toList());
  }

  /** The same JVM, flags and class path as this test, running the actdb CLI. */
  private static List<String> childCommand(Path store) {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) command.add(arg);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Actdb.class.getName()));
    // resnet over 10 000 images, 8 at a time: far longer than the moment it takes to interrupt
    command.addAll(
        List.of(
            "extract",
            "--store",
            store.toString(),
            "--model",
            "resnet",
            "--data",
            "fashion-mnist",
            "--batch",
            "8",
            "--device",
            "cpu",
            "--name",
            "interrupted"));
    return command;
  }

  private static boolean holdsTemporaryFile(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) return false;
    try (Stream<Path> files = Files.list(folder)) {
      return files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
    } catch (IOException e) {
      return false; // the folder went away while listed
    }
  }

  /** Every file of the store but its lock file, by relative path, with its bytes. */
  private static Map<String, byte[]> files(Path store) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(store)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isRegularFile(p) && !p.getFileName().toString().endsWith(".lock")) {
          files.put(store.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    }
    return files;
  }
}

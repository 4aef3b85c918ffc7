package io.actdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The single jar SQL clients load holds the product only: no benchmark classes and none of their
 * Python yardsticks (they live in the benchmarks module). Runs after {@code package} (failsafe).
 */
class NoBenchmarksInJarIT {
  @Test
  void allJarHasTheDriverButNoBenchmark() throws IOException {
    Path jar = Path.of("target", "actdb-jdbc-all.jar").toAbsolutePath();
    try (JarFile file = new JarFile(jar.toFile())) {
      List<String> names = file.stream().map(ZipEntry::getName).toList();
      assertTrue(names.contains("io/actdb/jdbc/ActdbDriver.class"), "the driver is missing");
      assertTrue(names.contains("io/actdb/sql/ActdbFunctions.class"), "the functions are missing");
      List<String> benchmarkEntries =
          names.stream()
              .filter(
                  name ->
                      name.startsWith("io/actdb/bench/")
                          || (name.startsWith("io/actdb/") && name.contains("Benchmark"))
                          || (name.startsWith("io/actdb/") && name.endsWith(".py")))
              .toList();
      assertEquals(List.of(), benchmarkEntries);
    }
  }
}

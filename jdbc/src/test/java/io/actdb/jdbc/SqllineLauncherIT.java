package io.actdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./actdb sqlline --store <dir>}, the README's way to use sqlline, run as a user would (the
 * launcher script, sqlline as the build copied it from Maven Central, the driver jar): the store's
 * views are in the client's metadata ({@code !tables}, {@code !columns}), a query answers, and the
 * JDK prints no warning. Runs after {@code package} (failsafe), when the jars exist.
 */
class SqllineLauncherIT {
  @TempDir Path dir;

  private record Run(int status, String output) {}

  private Run sqlline(String... args) throws Exception {
    Path launcher = Path.of("..", "actdb").toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(launcher), launcher + " missing");
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                launcher.toString(),
                "sqlline",
                "--store",
                dir.resolve("store").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // The JDK running the tests, whatever `java` is first on PATH; no build from inside the build.
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("ACTDB_BUILD", "never");
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Process p = builder.start();
    byte[] output = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "sqlline did not finish");
    return new Run(p.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  @Test
  void tablesListsTheStoreViewsAndNoWarningIsPrinted() throws Exception {
    TestStores.write(dir.resolve("store"));
    Run tables = sqlline("-e", "!tables");
    assertEquals(0, tables.status(), tables.output());
    for (String view : List.of("samples", "layers", "activations")) {
      assertTrue(
          tables.output().lines().anyMatch(l -> l.matches("\\|.*\\| " + view + " +\\| VIEW .*")),
          view + " not listed:\n" + tables.output());
    }
    assertFalse(tables.output().contains("WARNING"), tables.output());

    Run columns = sqlline("-e", "!columns layers");
    assertEquals(0, columns.status(), columns.output());
    assertTrue(columns.output().contains("| position "), columns.output());

    Run count = sqlline("--outputformat=csv", "-e", "SELECT count(*) AS n FROM samples;");
    assertEquals(0, count.status(), count.output());
    List<String> lines = count.output().lines().toList();
    int header = lines.indexOf("'n'");
    assertTrue(header >= 0, count.output());
    assertEquals("'" + TestStores.ROWS + "'", lines.get(header + 1));
    assertFalse(count.output().contains("WARNING"), count.output());
  }

  @Test
  void aMissingStoreIsRefusedClearly() throws Exception {
    Run run = sqlline("-e", "!tables");
    assertEquals(1, run.status());
    assertTrue(run.output().contains("no such directory"), run.output());
  }
}

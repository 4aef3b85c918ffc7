package io.actdb.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real third-party SQL client, sqlline (from Maven Central), in its own JVM with nothing but its
 * own jar and target/actdb-jdbc-all.jar on the class path, runs a {@code cka} query on a store
 * through {@code jdbc:actdb:}. Runs after {@code package} (failsafe), when the jar exists.
 */
class SqllineIT {
  @TempDir Path dir;

  @Test
  void sqllineRunsCkaOnAStore() throws Exception {
    float[][][] data = TestStores.write(dir.resolve("store"));
    Path driverJar = Path.of("target", "actdb-jdbc-all.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(driverJar), driverJar + " missing: run mvn package first");
    String sqlline =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(p -> p.contains("sqlline"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("sqlline jar not on the test class path"));
    Path out = dir.resolve("out.txt");
    Process p =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp",
                sqlline + File.pathSeparator + driverJar,
                "sqlline.SqlLine",
                "-u",
                "jdbc:actdb:" + dir.resolve("store"),
                "-n",
                "",
                "-p",
                "",
                "--outputformat=csv",
                "-e",
                "SELECT round(cka(a.vec, b.vec), 9) AS same, cka(a.vec, c.vec) AS other"
                    + " FROM layer('net', 'a') a JOIN layer('net', 'b') b USING (sample_id)"
                    + " JOIN layer('net', 'c') c USING (sample_id);")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "sqlline did not finish");
    String text = Files.readString(out);
    assertEquals(0, p.exitValue(), text);
    List<String> lines = text.lines().toList();
    int header = lines.indexOf("'same','other'");
    assertTrue(header >= 0, text);
    String[] cells = lines.get(header + 1).replace("'", "").split(",");
    assertEquals(1.0, Double.parseDouble(cells[0]), 0, text);
    assertEquals(TestStores.linearCka(data[0], data[1]), Double.parseDouble(cells[1]), 1e-9, text);
  }
}

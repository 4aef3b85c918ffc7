package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linear CKA aggregates hold O(d²) per group, whatever n: 1 000 000 rows of 256-d × 256-d
 * go through {@code cka} and {@code cka_debiased} in a CLI process with a 512 MiB Java heap
 * (as {@code ACTDB_JAVA_OPTS=-Xmx512m ./actdb sql -c ...} would run it).
 */
class BoundedMemoryTest {

  @Test
  void millionRowsOf256dPairsFitInA512MiBHeap(@TempDir Path dir) throws Exception {
    // 1 000 distinct x rows and 997 distinct y rows, paired by i mod 1000 and i mod 997: one
    // million distinct (x, y) pairs streamed from range(), never materialised.
    String sql =
        "CREATE TABLE base AS SELECT k, [(hash(k * 256 + j) % 2001)::FLOAT / 1000 - 1"
            + " FOR j IN range(256)]::FLOAT[256] AS v FROM range(1000) r(k);"
            + "SELECT count(*) AS n, cka(a.v, b.v) AS cka, cka_debiased(a.v, b.v) AS debiased"
            + " FROM range(1000000) r(i) JOIN base a ON a.k = i % 1000 JOIN base b ON b.k = i % 997;";
    String java = ProcessHandle.current().info().command().orElse("java");
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process =
        new ProcessBuilder(
                java,
                "-Xmx512m",
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Actdb.class.getName(),
                "sql",
                "--format",
                "csv",
                "-c",
                sql)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("did not finish in 10 minutes");
    }
    String stderr = read(err);
    assertEquals(0, process.exitValue(), "exit status; stderr: " + stderr);
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals("n,cka,debiased", lines.get(0), String.join("\n", lines));
    String[] fields = lines.get(1).split(",");
    assertEquals("1000000", fields[0]);
    double cka = Double.parseDouble(fields[1]);
    double debiased = Double.parseDouble(fields[2]);
    // Independent x and y halves (different hash streams): CKA is small but positive; the
    // debiased estimate is near 0.
    assertTrue(cka > 0 && cka < 0.2, "cka " + cka);
    assertTrue(Math.abs(debiased) < 0.05, "cka_debiased " + debiased);
    assertTrue(!stderr.contains("OutOfMemoryError"), stderr);
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}

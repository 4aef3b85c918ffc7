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
 * The linear CKA aggregates hold O(d²) per group, whatever n: 1 000 000 rows of 256-d × 256-d go
 * through {@code cka} and {@code cka_debiased} in a CLI process with a 512 MiB Java heap (as {@code
 * ACTDB_JAVA_OPTS=-Xmx512m ./actdb sql -c ...} would run it).
 */
class BoundedMemoryTest {

  @Test
  void millionRowsOf256dPairsFitInA512MiBHeap(@TempDir Path dir) throws Exception {
    // 1 000 distinct x rows and 997 distinct y rows, paired by i mod 1000 and i mod 997: one
    // million distinct (x, y) pairs streamed from range(), never materialised.
    String sql =
        "CREATE TABLE base AS SELECT k, [(hash(k * 256 + j) % 2001)::FLOAT / 1000 - 1 FOR j IN"
            + " range(256)]::FLOAT[256] AS v FROM range(1000) r(k);SELECT count(*) AS n, cka(a.v,"
            + " b.v) AS cka, cka_debiased(a.v, b.v) AS debiased FROM range(1000000) r(i) JOIN base"
            + " a ON a.k = i % 1000 JOIN base b ON b.k = i % 997;";
    List<String> lines = runCli(dir, "-Xmx512m", sql);
    assertEquals("n,cka,debiased", lines.get(0), String.join("\n", lines));
    String[] fields = lines.get(1).split(",");
    assertEquals("1000000", fields[0]);
    double cka = Double.parseDouble(fields[1]);
    double debiased = Double.parseDouble(fields[2]);
    // Independent x and y halves (different hash streams): CKA is small but positive; the
    // debiased estimate is near 0.
    assertTrue(cka > 0 && cka < 0.2, "cka " + cka);
    assertTrue(Math.abs(debiased) < 0.05, "cka_debiased " + debiased);
  }

  /**
   * ipr and geomca never hold an n×n matrix: 50 000 R + 50 000 E points of 256-d complete in a CLI
   * process with a 1 GiB heap (as {@code ACTDB_JAVA_OPTS=-Xmx1g ./actdb sql -c ...}).
   */
  @Test
  void fiftyThousandPointsPerSetFitInA1GiBHeap(@TempDir Path dir) throws Exception {
    // Every point is two 128-d halves from a 1 000-row base table: 100 000 distinct points.
    String sql =
        "SET threads = 1;CREATE TABLE base AS SELECT k, [(hash(k * 128 + j) % 2001)::FLOAT / 1000 -"
            + " 1 FOR j IN range(128)]::FLOAT[128] AS v FROM range(1000) r(k);CREATE TABLE pts AS"
            + " SELECT i, i < 50000 AS ref, list_concat(a.v, b.v)::FLOAT[256] AS x FROM"
            + " range(100000) r(i) JOIN base a ON a.k = i % 1000 JOIN base b ON b.k = i //"
            + " 1000;SELECT p.precision, p.recall, p.n_reference, p.n_evaluation FROM (SELECT"
            + " ipr(x, ref) AS p FROM pts);SELECT g.precision, g.recall, g.n_reference,"
            + " g.n_evaluation, g.epsilon > 0 AS has_epsilon FROM (SELECT geomca(x, ref) AS g FROM"
            + " pts);";
    List<String> lines = runCli(dir, "-Xmx1g", sql);
    int ipr = lines.indexOf("precision,recall,n_reference,n_evaluation");
    assertTrue(ipr >= 0, String.join("\n", lines));
    String[] p = lines.get(ipr + 1).split(",");
    double precision = Double.parseDouble(p[0]);
    double recall = Double.parseDouble(p[1]);
    assertTrue(precision > 0 && precision < 1, "ipr precision " + precision);
    assertTrue(recall > 0 && recall < 1, "ipr recall " + recall);
    assertEquals("50000", p[2]);
    assertEquals("50000", p[3]);
    int geomca = lines.indexOf("precision,recall,n_reference,n_evaluation,has_epsilon");
    assertTrue(geomca >= 0, String.join("\n", lines));
    String[] g = lines.get(geomca + 1).split(",");
    assertTrue(Double.parseDouble(g[0]) > 0, "geomca precision " + g[0]);
    assertEquals("50000", g[2]);
    assertEquals("50000", g[3]);
    assertEquals("true", g[4]);
  }

  /**
   * Runs {@code actdb sql --format csv -c sql} in a new JVM with {@code heap}; its stdout lines.
   */
  private static List<String> runCli(Path dir, String heap, String sql) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process =
        new ProcessBuilder(
                java,
                heap,
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
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
    assertTrue(!stderr.contains("OutOfMemoryError"), stderr);
    return Files.readAllLines(out, StandardCharsets.UTF_8);
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}

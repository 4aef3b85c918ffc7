package io.actdb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code actdb bench startup} against a stand-in launcher (a shell script): the medians and the
 * ratio it prints follow from the run times it lists, and a launcher that does not print the answer
 * fails the benchmark instead of being timed. The times themselves are not checked.
 */
class StartupBenchmarkTest {
  @TempDir Path dir;

  private Path launcher(String body) throws Exception {
    Path script = dir.resolve("actdb");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private static String[] run(int expectedStatus, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Bench.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(expectedStatus, cli.execute(args), err.toString());
    return new String[] {out.toString(), err.toString()};
  }

  private static double median(String list) {
    double[] v = Arrays.stream(list.split(",")).mapToDouble(Double::parseDouble).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  @Test
  void printsMediansAndRatiosOfTheRunsItLists() throws Exception {
    Path script = launcher("echo ' answer'; echo '    42'");
    String out = run(0, "bench", "startup", "--runs", "3", "--launcher", script.toString())[0];
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) values.put(line.substring(0, eq), line.substring(eq + 1));
    }
    assertEquals(3, values.get("startup_runs").split(",").length, out);
    double fast = median(values.get("startup_runs"));
    double plain = median(values.get("startup_plain_runs"));
    double jvm = median(values.get("java_version_runs"));
    // The lists are rounded to milliseconds; the medians are not.
    assertEquals(fast, Double.parseDouble(values.get("startup_median_s")), 6e-4, out);
    assertEquals(plain, Double.parseDouble(values.get("startup_plain_median_s")), 6e-4, out);
    assertEquals(jvm, Double.parseDouble(values.get("java_version_median_s")), 6e-4, out);
    assertEquals(
        Double.parseDouble(values.get("startup_median_s"))
            / Double.parseDouble(values.get("java_version_median_s")),
        Double.parseDouble(values.get("startup_to_java_version")),
        1e-3,
        out);
  }

  @Test
  void aLauncherWithoutTheAnswerFailsTheBenchmark() throws Exception {
    Path script = launcher("echo 'Binder Error: no such function'; exit 1");
    String err = run(1, "bench", "startup", "--runs", "1", "--launcher", script.toString())[1];
    assertTrue(err.contains("actdb sql failed (exit 1)"), err);
    assertTrue(err.contains("Binder Error: no such function"), err);
  }

  @Test
  void listedAmongTheBenchmarks() {
    assertTrue(run(0, "bench", "--help")[0].contains("\n  startup "));
  }
}

package io.actdb.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a Python script shipped in the jar beside this class and reads the {@code name=value} lines
 * it prints. Only the benchmarks use it, for their yardsticks: actdb itself never needs Python.
 */
final class BundledScript {
  private BundledScript() {}

  /** The script ran but exited with an error; the message is its last line of output. */
  static final class Failed extends Exception {
    final String output;

    Failed(String script, String output) {
      super(script + ": " + output.strip().lines().reduce((a, b) -> b).orElse("failed"));
      this.output = output;
    }
  }

  /**
   * Copies {@code script} into {@code dir} (once) and runs it with {@code python}.
   *
   * @return the printed {@code name=value} lines, in order
   * @throws IOException when the interpreter cannot be started
   * @throws Failed when the script exits with a non-zero status
   */
  static Map<String, String> run(String python, Path dir, String script, String... args)
      throws IOException, InterruptedException, Failed {
    Path file = dir.resolve(script);
    if (!Files.exists(file)) {
      try (InputStream in = BundledScript.class.getResourceAsStream(script)) {
        if (in == null) throw new IOException("missing resource " + script);
        Files.copy(in, file);
      }
    }
    List<String> command = new ArrayList<>(List.of(python, file.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // As blas_limit.py: some machines pin these for old OpenBLAS builds, which slows a current
    // NumPy (half its sgemm rate was measured with them set), and would make the yardstick unfair.
    builder.environment().remove("OPENBLAS_CORETYPE");
    builder.environment().remove("OPENBLAS_L2_SIZE");
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new Failed(script, output);
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
    }
    return values;
  }
}

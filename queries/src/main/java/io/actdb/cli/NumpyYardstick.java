package io.actdb.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Runs the NumPy IPR of {@code ipr_numpy.py} (shipped in the jar) on the benchmark's own data, with
 * the {@code python3} on PATH. Only for {@code actdb bench}: actdb itself never needs Python.
 */
final class NumpyYardstick {
  private NumpyYardstick() {}

  /**
   * Prints NumPy's {@code name=value} lines through {@code print} and returns its seconds, or null
   * (after printing why) when python3 or numpy is missing or the script fails.
   */
  static Double ipr(
      float[] data, int nRef, int nEval, int dim, int k, BiConsumer<String, Object> print)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("actdb-bench");
    try {
      Path script = dir.resolve("ipr_numpy.py");
      try (InputStream in = NumpyYardstick.class.getResourceAsStream("ipr_numpy.py")) {
        Files.copy(in, script);
      }
      Path file = dir.resolve("points.f32");
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
          if (!buf.hasRemaining()) {
            buf.flip();
            ch.write(buf);
            buf.clear();
          }
          buf.putFloat(v);
        }
        buf.flip();
        ch.write(buf);
      }
      List<String> command =
          List.of("python3", script.toString(), file.toString(), "" + nRef, "" + nEval, "" + dim, "" + k);
      Process p;
      try {
        p = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException e) {
        print.accept("numpy_skipped", "python3 not found");
        return null;
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        print.accept("numpy_skipped", output.strip().lines().reduce((a, b) -> b).orElse("failed"));
        return null;
      }
      Double seconds = null;
      for (String line : output.strip().split("\n")) {
        int eq = line.indexOf('=');
        if (eq < 0) continue;
        String name = line.substring(0, eq);
        String value = line.substring(eq + 1);
        print.accept(name, value);
        if (name.equals("numpy_ipr_seconds")) seconds = Double.parseDouble(value);
      }
      return seconds;
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}

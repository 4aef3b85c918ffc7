package io.actdb.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Runs the NumPy IPR of {@code ipr_numpy.py} (shipped in the jar) on the benchmark's own data, with
 * the {@code python3} on PATH: the float32 form, prdc's float64-block form, or both, after a
 * measurement of NumPy's float32 GEMM rate.
 */
final class NumpyYardstick {
  private NumpyYardstick() {}

  /**
   * The script's {@code name=value} lines ({@code numpy_sgemm_gflops}, {@code numpy_ipr_seconds},
   * {@code numpy_prdc_ipr_seconds}, ...), or null with the reason in {@code whyNot[0]} when python3
   * or numpy is missing or the script fails.
   *
   * @param forms {@code float32}, {@code prdc} or {@code float32,prdc}
   */
  static Map<String, String> ipr(
      float[] data, int nRef, int nEval, int dim, int k, String forms, String[] whyNot)
      throws IOException, InterruptedException {
    return run("ipr_numpy.py", data, whyNot, "" + nRef, "" + nEval, "" + dim, "" + k, forms);
  }

  /**
   * Runs {@code cka_matrix_numpy.py} on {@code rows} ({@code n} rows of the layers {@code dims}
   * side by side): linear CKA of every pair of layers from one Gram matrix, in float64 and float32,
   * with NumPy's GEMM rates; null with the reason in {@code whyNot[0]} when python3 or numpy is
   * missing or the script fails.
   */
  static Map<String, String> ckaMatrix(float[] rows, int n, int[] dims, String[] whyNot)
      throws IOException, InterruptedException {
    StringBuilder list = new StringBuilder();
    for (int d : dims) list.append(list.isEmpty() ? "" : ",").append(d);
    return run("cka_matrix_numpy.py", rows, whyNot, "" + n, list.toString());
  }

  /**
   * Runs the bundled {@code script} on {@code rows} (written as little-endian float32 to a file,
   * its path the first argument, {@code args} after it); its {@code name=value} lines, or null with
   * the reason in {@code whyNot[0]}.
   */
  static Map<String, String> run(String script, float[] rows, String[] whyNot, String... args)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("actdb-bench");
    try {
      Path file = dir.resolve("rows.f32");
      writeFloats(rows, file);
      String[] all = new String[args.length + 1];
      all[0] = file.toString();
      System.arraycopy(args, 0, all, 1, args.length);
      try {
        return BundledScript.run("python3", dir, script, all);
      } catch (BundledScript.Failed e) {
        whyNot[0] = e.getMessage();
      } catch (IOException e) {
        whyNot[0] = "python3 not found";
      }
      return null;
    } finally {
      DirectoryTree.delete(dir);
    }
  }

  private static void writeFloats(float[] data, Path file) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
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
  }
}

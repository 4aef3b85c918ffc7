package io.actdb.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** A small IDX data set for the CLI tests: 28×28 images given by a formula, with their labels. */
final class SmallIdx {
  private SmallIdx() {}

  /** The label of image {@code i}. */
  static int label(int i) {
    return (i * 3) % 10;
  }

  /**
   * Pixel {@code p} (row-major) of image {@code i}: every image different, the whole byte range
   * used.
   */
  static int pixel(int i, int p) {
    return (i * 31 + p * 7 + (p / 28) * (p % 28)) % 256;
  }

  /**
   * Writes {@code small-images-idx3-ubyte.gz} with {@code n} images and {@code
   * small-labels-idx1-ubyte.gz} into {@code folder}; returns the images file.
   */
  static Path write(Path folder, int n) throws IOException {
    Files.createDirectories(folder);
    byte[] pixels = new byte[n * 28 * 28];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) label(i);
      for (int p = 0; p < 28 * 28; p++) pixels[i * 28 * 28 + p] = (byte) pixel(i, p);
    }
    Files.write(folder.resolve("small-labels-idx1-ubyte.gz"), gzip(idx(new int[] {n}, labels)));
    return Files.write(
        folder.resolve("small-images-idx3-ubyte.gz"), gzip(idx(new int[] {n, 28, 28}, pixels)));
  }

  private static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put(new byte[] {0, 0, 8, (byte) dims.length});
    for (int d : dims) b.putInt(d);
    return b.put(data).array();
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(raw);
    }
    return out.toByteArray();
  }
}

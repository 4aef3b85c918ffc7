package io.actdb.extractor.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IdxFileTest {
  /** A 2 × 2 × 3 unsigned-byte IDX file written by hand. */
  private static byte[] small() {
    return new byte[] {
      0,
      0,
      8,
      3, // magic: unsigned bytes, 3 dimensions
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      3,
      1,
      2,
      3,
      4,
      5,
      6, // item 0
      7,
      8,
      9,
      10,
      11,
      (byte) 255 // item 1
    };
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(raw);
    }
    return out.toByteArray();
  }

  @Test
  void readsRawAndGzippedFiles() throws IOException {
    for (byte[] bytes : new byte[][] {small(), gzip(small())}) {
      IdxFile f = IdxFile.read(new ByteArrayInputStream(bytes), "t");
      assertArrayEquals(new int[] {2, 2, 3}, f.dims());
      assertEquals(2, f.count());
      assertEquals(6, f.itemSize());
      assertEquals(1, f.value(0, 0));
      assertEquals(6, f.value(0, 5));
      assertEquals(255, f.value(1, 5));
    }
  }

  @Test
  void damagedFilesAreNamed() {
    byte[] truncated = Arrays.copyOf(small(), small().length - 1);
    IOException e =
        assertThrows(
            IOException.class, () -> IdxFile.read(new ByteArrayInputStream(truncated), "cut.idx"));
    assertTrue(
        e.getMessage().startsWith("cut.idx: truncated")
            && e.getMessage().contains("needs 12 bytes of data, found 11"),
        e.getMessage());
    byte[] longer = Arrays.copyOf(small(), small().length + 3);
    e =
        assertThrows(
            IOException.class, () -> IdxFile.read(new ByteArrayInputStream(longer), "long.idx"));
    assertTrue(e.getMessage().contains("3 bytes after the data"), e.getMessage());
    byte[] floats = small();
    floats[2] = 0x0d;
    e =
        assertThrows(
            IOException.class, () -> IdxFile.read(new ByteArrayInputStream(floats), "f.idx"));
    assertTrue(e.getMessage().contains("element type 0xd is not supported"), e.getMessage());
    e =
        assertThrows(
            IOException.class,
            () -> IdxFile.read(new ByteArrayInputStream("hello".getBytes()), "text.txt"));
    assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
  }

  @Test
  void theEmbeddedFashionMnistTestSet() throws IOException {
    FashionMnist.Split test = FashionMnist.embeddedTest();
    assertEquals(10_000, test.size());
    assertArrayEquals(new int[] {10_000, 28, 28}, test.images().dims());
    // Known facts of the published test set: balanced classes, and it starts 9, 2, 1, 1, 6.
    int[] perClass = new int[10];
    for (int i = 0; i < test.size(); i++) perClass[test.label(i)]++;
    int[] thousand = new int[10];
    Arrays.fill(thousand, 1000);
    assertArrayEquals(thousand, perClass);
    assertArrayEquals(
        new int[] {9, 2, 1, 1, 6},
        new int[] {test.label(0), test.label(1), test.label(2), test.label(3), test.label(4)});
    assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(test.label(0)));
    assertEquals(60_000L, test.sampleId(0));
    // the first image is not blank: 33 456 is the sum of its pixel values (read with Python's gzip)
    long sum = 0;
    for (int j = 0; j < 28 * 28; j++) sum += test.images().value(0, j);
    assertEquals(33_456, sum);
  }
}

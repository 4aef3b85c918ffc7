package io.actdb.extractor.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.extractor.ExtractorException;
import io.actdb.storage.Sample;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};
  private static final int CROP = 224;

  @TempDir Path dir;

  // ---- writing test images

  private static BufferedImage rgb(int w, int h, int[][] rgbAt) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int[] p = rgbAt[y * w + x];
        image.setRGB(x, y, (p[0] << 16) | (p[1] << 8) | p[2]);
      }
    }
    return image;
  }

  private static int[][] randomPixels(int w, int h, long seed) {
    Random random = new Random(seed);
    int[][] pixels = new int[w * h][];
    for (int i = 0; i < pixels.length; i++)
      pixels[i] = new int[] {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
    return pixels;
  }

  private static int[][] uniform(int w, int h, int r, int g, int b) {
    int[][] pixels = new int[w * h][];
    Arrays.fill(pixels, new int[] {r, g, b});
    return pixels;
  }

  private Path write(String relative, BufferedImage image, String format) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    assertTrue(ImageIO.write(image, format, file.toFile()), "no " + format + " writer");
    return file;
  }

  private Path write(String relative, BufferedImage image) throws IOException {
    return write(relative, image, "png");
  }

  /** The only image of a one-class folder, preprocessed. */
  private float[] preprocessOnly(BufferedImage image, String format) throws IOException {
    write("only/image." + format, image, format);
    ImageFolder folder = ImageFolder.open(dir);
    assertEquals(1, folder.size());
    float[] out = new float[3 * CROP * CROP + 5];
    out[2] = 42; // values before the offset stay untouched
    folder.read(0, out, 3);
    assertEquals(42, out[2]);
    return Arrays.copyOfRange(out, 3, 3 + 3 * CROP * CROP);
  }

  private static float normalized(double value255, int c) {
    return ((float) value255 / 255f - MEAN[c]) / STD[c];
  }

  private static float at(float[] chw, int c, int y, int x) {
    return chw[c * CROP * CROP + y * CROP + x];
  }

  // ---- preprocessing

  @Test
  void uniformColourGivesTheNormalisedColourExactly() throws IOException {
    int[] colour = {10, 128, 250};
    // Not resized, enlarged (200 → 256), shrunk (480 → 256) and shrunk by an awkward factor.
    int[][] sizes = {{256, 256}, {300, 200}, {640, 480}, {333, 777}};
    for (int[] size : sizes) {
      Path sub = Files.createDirectory(dir.resolve("u" + size[0] + "x" + size[1]));
      float[] out = new float[3 * CROP * CROP];
      BufferedImage image =
          rgb(size[0], size[1], uniform(size[0], size[1], colour[0], colour[1], colour[2]));
      assertTrue(
          ImageIO.write(
              image, "png", Files.createDirectory(sub.resolve("c")).resolve("i.png").toFile()));
      ImageFolder.open(sub).read(0, out, 0);
      for (int c = 0; c < 3; c++) {
        float expected = (colour[c] / 255f - MEAN[c]) / STD[c];
        for (int p = 0; p < CROP * CROP; p++) {
          assertEquals(
              expected,
              out[c * CROP * CROP + p],
              0f,
              "size " + Arrays.toString(size) + " channel " + c + " pixel " + p);
        }
      }
    }
  }

  @Test
  void shorterSideOf256IsOnlyCropped() throws IOException {
    // 256 × 301: no resize; left = (256 - 224) / 2 = 16, top = round(77 / 2 = 38.5) = 38 (Python
    // rounds halves to even).
    int w = 256;
    int h = 301;
    int[][] pixels = randomPixels(w, h, 7);
    float[] out = preprocessOnly(rgb(w, h, pixels), "png");
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < CROP; y++) {
        for (int x = 0; x < CROP; x++) {
          int source = pixels[(38 + y) * w + 16 + x][c];
          assertEquals(
              normalized(source, c), at(out, c, y, x), 0f, "c=" + c + " y=" + y + " x=" + x);
        }
      }
    }
  }

  @Test
  void enlargingIsBilinearBetweenPixelCentres() throws IOException {
    // 4 × 6 becomes 256 × 384 (scale 64); the crop starts at x = 16, y = (384 - 224) / 2 = 80.
    int w = 4;
    int h = 6;
    int[][] pixels = randomPixels(w, h, 11);
    float[] out = preprocessOnly(rgb(w, h, pixels), "png");
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < CROP; y++) {
        for (int x = 0; x < CROP; x++) {
          double sx = (16 + x + 0.5) * w / 256.0 - 0.5;
          double sy = (80 + y + 0.5) * h / 384.0 - 0.5;
          double expected = bilinear(pixels, w, h, c, sx, sy);
          assertEquals(
              normalized(expected, c), at(out, c, y, x), 1e-5, "c=" + c + " y=" + y + " x=" + x);
        }
      }
    }
  }

  /** Textbook bilinear interpolation, edge pixels repeated outside the image. */
  private static double bilinear(int[][] pixels, int w, int h, int c, double sx, double sy) {
    sx = Math.clamp(sx, 0, w - 1);
    sy = Math.clamp(sy, 0, h - 1);
    int x0 = (int) Math.floor(sx);
    int y0 = (int) Math.floor(sy);
    int x1 = Math.min(x0 + 1, w - 1);
    int y1 = Math.min(y0 + 1, h - 1);
    double fx = sx - x0;
    double fy = sy - y0;
    double top = pixels[y0 * w + x0][c] * (1 - fx) + pixels[y0 * w + x1][c] * fx;
    double bottom = pixels[y1 * w + x0][c] * (1 - fx) + pixels[y1 * w + x1][c] * fx;
    return top * (1 - fy) + bottom * fy;
  }

  @Test
  void halvingAveragesFourPixelsPerAxisLikePillow() throws IOException {
    // 512 × 600 becomes 256 × 300 (scale 2). Pillow's antialiased bilinear filter then has
    // support 2: output i is centred on source 2i + 1 and reads sources 2i - 1 .. 2i + 2 with
    // triangle weights 1/4, 3/4, 3/4, 1/4, i.e. 1/8, 3/8, 3/8, 1/8 once normalised.
    // The crop starts at x = 16, y = 38, far from the edges.
    int w = 512;
    int h = 600;
    int[][] pixels = randomPixels(w, h, 13);
    float[] out = preprocessOnly(rgb(w, h, pixels), "png");
    double[] weights = {1 / 8.0, 3 / 8.0, 3 / 8.0, 1 / 8.0};
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < CROP; y += 7) {
        for (int x = 0; x < CROP; x += 5) {
          int firstX = 2 * (16 + x) - 1;
          int firstY = 2 * (38 + y) - 1;
          double expected = 0;
          for (int j = 0; j < 4; j++) {
            for (int i = 0; i < 4; i++)
              expected += weights[j] * weights[i] * pixels[(firstY + j) * w + firstX + i][c];
          }
          assertEquals(
              normalized(expected, c), at(out, c, y, x), 1e-5, "c=" + c + " y=" + y + " x=" + x);
        }
      }
    }
  }

  @Test
  void greyBecomesThreeEqualChannels() throws IOException {
    BufferedImage grey = new BufferedImage(256, 256, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) grey.getRaster().setSample(x, y, 0, (3 * x + y) % 256);
    }
    float[] out = preprocessOnly(grey, "png");
    for (int y = 0; y < CROP; y++) {
      for (int x = 0; x < CROP; x++) {
        // The stored grey value itself, not a colour-managed conversion of it.
        int value = (3 * (16 + x) + 16 + y) % 256;
        for (int c = 0; c < 3; c++) assertEquals(normalized(value, c), at(out, c, y, x), 0f);
      }
    }
  }

  @Test
  void alphaIsDroppedNotBlended() throws IOException {
    BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++)
        image.setRGB(x, y, (x % 2 == 0 ? 0x00 : 0x80) << 24 | 200 << 16 | 100 << 8 | 50);
    }
    float[] out = preprocessOnly(image, "png");
    int[] colour = {200, 100, 50};
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < CROP * CROP; p++)
        assertEquals(normalized(colour[c], c), out[c * CROP * CROP + p], 0f);
    }
  }

  @Test
  void paletteColoursAreLookedUp() throws IOException {
    byte[] r = {0, (byte) 255};
    byte[] g = {0, 17};
    byte[] b = {0, (byte) 130};
    BufferedImage image =
        new BufferedImage(
            256, 256, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 2, r, g, b));
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) image.getRaster().setSample(x, y, 0, 1);
    }
    float[] out = preprocessOnly(image, "gif");
    int[] colour = {255, 17, 130};
    for (int c = 0; c < 3; c++) assertEquals(normalized(colour[c], c), at(out, c, 100, 100), 0f);
  }

  // ---- folder structure, labels, ids

  private void touch(String relative) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "not decoded by open");
  }

  @Test
  void labelsFollowSortedSubfolderNames() throws IOException {
    touch("zebra/z1.png");
    touch("ant/b.png");
    touch("ant/a.jpeg");
    touch("ant/sub/c.gif");
    touch("ant/A.JPG");
    touch("Moose/m.bmp");
    touch("ant/.hidden.png");
    touch("ant/.cache/x.png");
    touch(".git/objects/y.png");
    touch("ant/notes.txt");
    touch("loose.png");
    Files.createDirectory(dir.resolve("empty-class"));

    ImageFolder folder = ImageFolder.open(dir, "val");
    // Uppercase sorts before lowercase, as in Python's sorted().
    assertEquals(List.of("Moose", "ant", "empty-class", "zebra"), folder.classNames());
    List<String> sources =
        List.of(
            "Moose/m.bmp", "ant/A.JPG", "ant/a.jpeg", "ant/b.png", "ant/sub/c.gif", "zebra/z1.png");
    int[] labels = {0, 1, 1, 1, 1, 3};
    assertEquals(sources.size(), folder.size());
    for (int i = 0; i < sources.size(); i++) {
      Sample s = folder.sample(i);
      assertEquals(sources.get(i), s.source());
      assertEquals(labels[i], s.label());
      assertEquals(folder.classNames().get(labels[i]), s.labelName());
      assertEquals("val", s.split());
      assertEquals(dir.resolve(sources.get(i)), folder.files().get(i));
    }
    assertEquals(3, folder.channels());
    assertEquals(224, folder.height());
    assertEquals(224, folder.width());
  }

  @Test
  void splitDefaultsToTheFolderName() throws IOException {
    Path images = dir.resolve("holiday-photos");
    Files.createDirectories(images.resolve("beach"));
    Files.writeString(images.resolve("beach/1.png"), "x");
    assertEquals("holiday-photos", ImageFolder.open(images).sample(0).split());
  }

  @Test
  void idsAreHashesOfTheRelativePathAndStayWhenImagesAreAdded() throws Exception {
    touch("cat/1.png");
    touch("cat/2.png");
    touch("dog/1.png");
    Map<String, Long> before = idsBySource(ImageFolder.open(dir));
    assertEquals(3, before.size());
    assertEquals(3, before.values().stream().distinct().count());
    byte[] sha =
        MessageDigest.getInstance("SHA-256").digest("dog/1.png".getBytes(StandardCharsets.UTF_8));
    long expected = ByteBuffer.wrap(sha).getLong() & 0x7fff_ffff_ffff_ffffL;
    assertEquals(expected, before.get("dog/1.png"));

    touch("cat/0.png");
    touch("ape/1.png"); // a new first class shifts labels, not ids
    ImageFolder after = ImageFolder.open(dir);
    Map<String, Long> afterIds = idsBySource(after);
    assertEquals(5, afterIds.size());
    before.forEach((source, id) -> assertEquals(id, afterIds.get(source), source));
    assertEquals(0, after.sample(0).label());
    assertEquals("ape", after.sample(0).labelName());
  }

  private static Map<String, Long> idsBySource(ImageFolder folder) {
    Map<String, Long> ids = new HashMap<>();
    for (int i = 0; i < folder.size(); i++)
      ids.put(folder.sample(i).source(), folder.sample(i).id());
    return ids;
  }

  // ---- errors

  @Test
  void undecodableImagesAreNamedWhenRead() throws IOException {
    write("cat/good.png", rgb(2, 2, uniform(2, 2, 1, 2, 3)));
    touch("cat/text.png");
    Path truncated = dir.resolve("cat/truncated.png");
    byte[] png = Files.readAllBytes(dir.resolve("cat/good.png"));
    Files.write(truncated, Arrays.copyOf(png, 40));
    ImageFolder folder = ImageFolder.open(dir);
    assertEquals(
        List.of("cat/good.png", "cat/text.png", "cat/truncated.png"),
        List.of(folder.sample(0).source(), folder.sample(1).source(), folder.sample(2).source()));
    float[] out = new float[folder.valuesPerSample()];
    folder.read(0, out, 0);
    for (int i = 1; i <= 2; i++) {
      int index = i;
      ExtractorException e =
          assertThrows(ExtractorException.class, () -> folder.read(index, out, 0));
      assertTrue(e.getMessage().contains(folder.files().get(i).toString()), e.getMessage());
    }
  }

  @Test
  void emptyAndMissingFoldersAreReported() throws IOException {
    ExtractorException e = assertThrows(ExtractorException.class, () -> ImageFolder.open(dir));
    assertTrue(
        e.getMessage().startsWith("empty folder: " + dir)
            && e.getMessage().contains("no class subfolders"),
        e.getMessage());

    touch("loose.jpg");
    e = assertThrows(ExtractorException.class, () -> ImageFolder.open(dir));
    assertTrue(
        e.getMessage().contains("the 1 images directly in it belong to no class"), e.getMessage());

    touch("cat/readme.txt");
    touch("cat/.hidden.png");
    e = assertThrows(ExtractorException.class, () -> ImageFolder.open(dir));
    assertTrue(
        e.getMessage().startsWith("empty folder: " + dir) && e.getMessage().contains("no images"),
        e.getMessage());

    Path missing = dir.resolve("nowhere");
    e = assertThrows(ExtractorException.class, () -> ImageFolder.open(missing));
    assertEquals("no such folder: " + missing, e.getMessage());

    e = assertThrows(ExtractorException.class, () -> ImageFolder.open(dir.resolve("loose.jpg")));
    assertEquals(dir.resolve("loose.jpg") + " is not a folder", e.getMessage());
  }
}

package io.actdb.extractor.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.extractor.ExtractorException;
import io.actdb.storage.Sample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSetsTest {
  @TempDir Path dir;

  // ---- Fashion-MNIST names

  @Test
  void fashionMnistTestIsTheEmbeddedSet() throws IOException {
    SampleSource test = DataSets.open("fashion-mnist:test");
    assertEquals(10_000, test.size());
    assertEquals(1, test.channels());
    assertEquals(28, test.height());
    assertEquals(28, test.width());
    for (int i : new int[] {0, 1, 9_999}) {
      Sample s = test.sample(i);
      assertEquals(60_000 + i, s.id());
      assertEquals("test", s.split());
    }
  }

  @Test
  void fashionMnistIsTrainThenTestWhenTrainIsInstalled() throws IOException {
    SampleSource all = DataSets.open("fashion-mnist");
    if (FashionMnist.installedTrain().isPresent()) {
      assertEquals(70_000, all.size());
      assertEquals(0, all.sample(0).id());
      assertEquals("train", all.sample(59_999).split());
      assertEquals(60_000, all.sample(60_000).id());
      assertEquals("test", all.sample(60_000).split());
    } else {
      assertEquals(10_000, all.size());
      assertEquals(60_000, all.sample(0).id());
    }
  }

  @Test
  void fashionMnistTrainIsInstalledOrExplained() throws IOException {
    if (FashionMnist.installedTrain().isPresent()) {
      SampleSource train = DataSets.open("fashion-mnist:train");
      assertEquals(60_000, train.size());
      assertEquals(59_999, train.sample(59_999).id());
    } else {
      ExtractorException e =
          assertThrows(ExtractorException.class, () -> DataSets.open("fashion-mnist:train"));
      assertTrue(
          e.getMessage().contains("dataset-fashion-mnist")
              && e.getMessage().contains("ACTDB_FASHION_MNIST"),
          e.getMessage());
    }
  }

  @Test
  void unknownNamesAndMissingPathsListTheAcceptedForms() {
    ExtractorException e =
        assertThrows(ExtractorException.class, () -> DataSets.open("fashion-mnist:valid"));
    assertTrue(
        e.getMessage().contains("fashion-mnist:valid")
            && e.getMessage().contains("accepted: fashion-mnist,"),
        e.getMessage());

    String missing = dir.resolve("imagenet-val").toString();
    e = assertThrows(ExtractorException.class, () -> DataSets.open(missing));
    assertTrue(
        e.getMessage().contains(missing) && e.getMessage().contains("no such file or folder"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("fashion-mnist:train")
            && e.getMessage().contains("-images-idx3-ubyte"),
        e.getMessage());
  }

  @Test
  void otherFilesAreRefused() throws IOException {
    Path csv = Files.writeString(dir.resolve("data.csv"), "a,b\n");
    ExtractorException e =
        assertThrows(ExtractorException.class, () -> DataSets.open(csv.toString()));
    assertTrue(
        e.getMessage().contains(csv.toString())
            && e.getMessage().contains("not an IDX images file"),
        e.getMessage());
  }

  @Test
  void aFolderIsAnImageFolder() throws IOException {
    Files.createDirectories(dir.resolve("flowers/rose"));
    Files.writeString(dir.resolve("flowers/rose/1.jpg"), "decoded only when read");
    SampleSource folder = DataSets.open(dir.resolve("flowers").toString());
    assertInstanceOf(ImageFolder.class, folder);
    assertEquals("rose/1.jpg", folder.sample(0).source());
    assertEquals("flowers", folder.sample(0).split());
  }

  // ---- IDX files

  private static final int[] LABELS = {7, 0, 3};

  /** Pixel {@code p} of image {@code i} in the test files. */
  private static int pixel(int i, int p) {
    return (i * 7 + p) % 256;
  }

  private static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put(new byte[] {0, 0, 8, (byte) dims.length});
    for (int d : dims) b.putInt(d);
    return b.put(data).array();
  }

  private static byte[] imagesFile() {
    byte[] data = new byte[LABELS.length * 28 * 28];
    for (int i = 0; i < LABELS.length; i++) {
      for (int p = 0; p < 28 * 28; p++) data[i * 28 * 28 + p] = (byte) pixel(i, p);
    }
    return idx(new int[] {LABELS.length, 28, 28}, data);
  }

  private static byte[] labelsFile() {
    byte[] data = new byte[LABELS.length];
    for (int i = 0; i < LABELS.length; i++) data[i] = (byte) LABELS[i];
    return idx(new int[] {LABELS.length}, data);
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(raw);
    }
    return out.toByteArray();
  }

  @Test
  void rawIdxFilesWithNumberedLabels() throws IOException {
    Path images = Files.write(dir.resolve("train-images-idx3-ubyte"), imagesFile());
    Files.write(dir.resolve("train-labels-idx1-ubyte"), labelsFile());
    SampleSource source = DataSets.open(images.toString());
    assertEquals(3, source.size());
    assertEquals(784, source.valuesPerSample());
    for (int i = 0; i < 3; i++) {
      Sample s = source.sample(i);
      assertEquals(i, s.id());
      assertEquals("train", s.split());
      assertEquals(LABELS[i], s.label());
      assertEquals(String.valueOf(LABELS[i]), s.labelName());
    }
    float[] out = new float[784 + 1];
    source.read(2, out, 1);
    for (int p = 0; p < 784; p++) assertEquals(pixel(2, p) / 255f, out[1 + p], 0f);
  }

  @Test
  void gzippedFashionMnistFilesGetClassNames() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("fashion-mnist-copy"));
    Path images = Files.write(folder.resolve("t10k-images-idx3-ubyte.gz"), gzip(imagesFile()));
    Files.write(folder.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labelsFile()));
    SampleSource source = DataSets.open(images.toString());
    assertEquals(3, source.size());
    assertEquals("test", source.sample(0).split());
    assertEquals(1, source.sample(1).id());
    assertEquals("Sneaker", source.sample(0).labelName());
    assertEquals("T-shirt/top", source.sample(1).labelName());
    assertEquals("Dress", source.sample(2).labelName());
    float[] out = new float[784];
    source.read(1, out, 0);
    assertEquals(pixel(1, 500) / 255f, out[500], 0f);
  }

  @Test
  void labelsBesideInTheOtherCompressionAreFound() throws IOException {
    Path images = Files.write(dir.resolve("kmnist-images-idx3-ubyte.gz"), gzip(imagesFile()));
    Files.write(dir.resolve("kmnist-labels-idx1-ubyte"), labelsFile());
    SampleSource source = DataSets.open(images.toString());
    assertEquals("kmnist", source.sample(0).split());
    assertEquals("3", source.sample(2).labelName());
  }

  @Test
  void idxProblemsNameTheFile() throws IOException {
    Path images = Files.write(dir.resolve("train-images-idx3-ubyte"), imagesFile());
    ExtractorException e =
        assertThrows(ExtractorException.class, () -> DataSets.open(images.toString()));
    assertTrue(e.getMessage().contains("train-labels-idx1-ubyte[.gz] is missing"), e.getMessage());

    byte[] twoLabels = idx(new int[] {2}, new byte[] {1, 2});
    Path labels = Files.write(dir.resolve("train-labels-idx1-ubyte"), twoLabels);
    e = assertThrows(ExtractorException.class, () -> DataSets.open(images.toString()));
    assertTrue(
        e.getMessage().contains(labels.toString()) && e.getMessage().contains("expected 3 labels"),
        e.getMessage());

    Path small =
        Files.write(dir.resolve("tiny-images-idx3-ubyte"), idx(new int[] {1, 2, 2}, new byte[4]));
    Files.write(dir.resolve("tiny-labels-idx1-ubyte"), idx(new int[] {1}, new byte[1]));
    e = assertThrows(ExtractorException.class, () -> DataSets.open(small.toString()));
    assertTrue(
        e.getMessage().contains(small.toString()) && e.getMessage().contains("not 1 × 2 × 2"),
        e.getMessage());
  }
}

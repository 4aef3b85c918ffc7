package io.actdb.extractor.data;

import io.actdb.storage.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fashion-MNIST: 28×28 grey images of 10 clothing classes. The 10 000-image test set ships inside
 * actdb; the 60 000 training images are used when Debian's {@code dataset-fashion-mnist} package
 * (or a folder named by {@code ACTDB_FASHION_MNIST}) provides them.
 *
 * <p>Sample ids are stable whatever is installed: training image {@code i} is {@code i}, test image
 * {@code i} is {@code 60000 + i}.
 */
public final class FashionMnist {
  private FashionMnist() {}

  /** Class names, by label. */
  public static final List<String> CLASS_NAMES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  public static final int TRAIN_SIZE = 60_000;
  public static final int SIDE = 28;

  /** Where Debian's dataset-fashion-mnist package installs the files. */
  static final Path DEBIAN_FOLDER = Path.of("/usr/share/datasets/fashion-mnist");

  /** Environment variable naming a folder with the four gzipped IDX files. */
  public static final String FOLDER_VARIABLE = "ACTDB_FASHION_MNIST";

  /**
   * One split: images (n × 28 × 28 unsigned bytes) and their labels. As a sample source each image
   * is one channel of 28 × 28 floats, pixel / 255.
   */
  public record Split(
      String name, IdxFile images, IdxFile labels, long firstSampleId, String source)
      implements SampleSource {
    public Split {
      if (images.count() != labels.count()) {
        throw new IllegalArgumentException(
            source + ": " + images.count() + " images but " + labels.count() + " labels");
      }
      if (images.dims().length != 3 || images.dims()[1] != SIDE || images.dims()[2] != SIDE) {
        throw new IllegalArgumentException(source + ": images are not 28×28");
      }
    }

    @Override
    public String description() {
      return source;
    }

    @Override
    public int size() {
      return images.count();
    }

    @Override
    public int channels() {
      return 1;
    }

    @Override
    public int height() {
      return SIDE;
    }

    @Override
    public int width() {
      return SIDE;
    }

    @Override
    public Sample sample(int i) {
      int label = label(i);
      return new Sample(sampleId(i), name, label, CLASS_NAMES.get(label), source);
    }

    @Override
    public void read(int i, float[] target, int offset) {
      byte[] pixels = images.data();
      int start = i * SIDE * SIDE;
      for (int p = 0; p < SIDE * SIDE; p++) {
        target[offset + p] = (pixels[start + p] & 0xFF) / 255f;
      }
    }

    public int label(int i) {
      return labels.value(i, 0);
    }

    public long sampleId(int i) {
      return firstSampleId + i;
    }
  }

  /** The embedded test set. */
  public static Split embeddedTest() throws IOException {
    return new Split(
        "test",
        resource("t10k-images-idx3-ubyte.gz"),
        resource("t10k-labels-idx1-ubyte.gz"),
        TRAIN_SIZE,
        "fashion-mnist/t10k (embedded)");
  }

  /**
   * The training split, if installed: the folder in {@code ACTDB_FASHION_MNIST}, else Debian's
   * package folder.
   */
  public static Optional<Split> installedTrain() throws IOException {
    for (Path folder : candidateFolders()) {
      Path images = folder.resolve("train-images-idx3-ubyte.gz");
      Path labels = folder.resolve("train-labels-idx1-ubyte.gz");
      if (Files.isRegularFile(images) && Files.isRegularFile(labels)) {
        return Optional.of(
            new Split(
                "train", file(images), file(labels), 0, "fashion-mnist/train (" + folder + ")"));
      }
    }
    return Optional.empty();
  }

  private static List<Path> candidateFolders() {
    List<Path> folders = new ArrayList<>();
    String configured = System.getenv(FOLDER_VARIABLE);
    if (configured != null && !configured.isBlank()) folders.add(Path.of(configured));
    folders.add(DEBIAN_FOLDER);
    return folders;
  }

  private static IdxFile resource(String name) throws IOException {
    try (InputStream in = FashionMnist.class.getResourceAsStream(name)) {
      if (in == null)
        throw new IOException(
            "the embedded Fashion-MNIST file " + name + " is missing from the actdb jar");
      return IdxFile.read(in, "embedded " + name);
    }
  }

  private static IdxFile file(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return IdxFile.read(in, path.toString());
    }
  }
}

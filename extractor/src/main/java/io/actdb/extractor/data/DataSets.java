package io.actdb.extractor.data;

import io.actdb.extractor.ExtractorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns the CLI's {@code --data} value into a {@link SampleSource}. Accepted forms:
 *
 * <ul>
 *   <li>{@code fashion-mnist}: the installed 60 000 training images (ids 0..59999), if any, then
 *       the embedded 10 000 test images (ids 60000..69999);
 *   <li>{@code fashion-mnist:test}, {@code fashion-mnist:train}: one of those splits;
 *   <li>a folder with one subfolder of images per class: an {@link ImageFolder}, split = the
 *       folder's name;
 *   <li>an IDX images file {@code *-images-idx3-ubyte[.gz]} with its labels file beside it (ids =
 *       image index; 28 × 28 images only; label names are the numbers unless the file or its folder
 *       is named like Fashion-MNIST).
 * </ul>
 *
 * The names come first: a folder called {@code fashion-mnist} is reached as {@code
 * ./fashion-mnist}.
 */
public final class DataSets {
  private DataSets() {}

  /** The accepted forms, for help texts and error messages. */
  public static final String FORMS =
      "fashion-mnist, fashion-mnist:test, fashion-mnist:train, a folder with one subfolder of"
          + " images per class, or an IDX images file (*-images-idx3-ubyte[.gz] with"
          + " *-labels-idx1-ubyte[.gz] beside it)";

  private static final String FASHION = "fashion-mnist";

  /**
   * The data set {@code spec} names.
   *
   * @throws ExtractorException for an unknown name, a missing path or training images that are not
   *     installed, saying what was tried and which forms are accepted
   * @throws IOException when the embedded Fashion-MNIST files cannot be read
   */
  public static SampleSource open(String spec) throws IOException {
    switch (spec) {
      case FASHION -> {
        var test = FashionMnist.embeddedTest();
        var train = FashionMnist.installedTrain();
        return train.isPresent() ? SampleSources.concat(List.of(train.get(), test)) : test;
      }
      case FASHION + ":test" -> {
        return FashionMnist.embeddedTest();
      }
      case FASHION + ":train" -> {
        return FashionMnist.installedTrain()
            .orElseThrow(
                () ->
                    new ExtractorException(
                        "fashion-mnist:train: the 60 000 training images are not installed; install"
                            + " Debian's dataset-fashion-mnist package, or set "
                            + FashionMnist.FOLDER_VARIABLE
                            + " to a folder holding train-images-idx3-ubyte.gz and"
                            + " train-labels-idx1-ubyte.gz; or use the 10 000 images that ship"
                            + " with actdb: --data fashion-mnist:test (with --limit 5000 to keep"
                            + " the other half unseen, as the demo does)"));
      }
      default -> {
        if (spec.startsWith(FASHION + ":")) {
          throw new ExtractorException(
              "unknown Fashion-MNIST split in --data " + spec + "; accepted: " + FORMS);
        }
        return openPath(spec);
      }
    }
  }

  private static SampleSource openPath(String spec) throws ExtractorException {
    Path path;
    try {
      path = Path.of(spec);
    } catch (InvalidPathException e) {
      throw new ExtractorException(
          "--data " + spec + " is neither a known data set nor a valid path; accepted: " + FORMS);
    }
    if (Files.isDirectory(path)) return ImageFolder.open(path);
    if (Files.isRegularFile(path) && IdxImages.isImagesFile(path)) return IdxImages.open(path);
    if (Files.exists(path)) {
      throw new ExtractorException(
          "--data " + spec + " is a file but not an IDX images file; accepted: " + FORMS);
    }
    throw new ExtractorException(
        "--data "
            + spec
            + " is not a known data set name and no such file or folder exists; accepted: "
            + FORMS);
  }
}

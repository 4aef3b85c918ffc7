package io.actdb.extractor.data;

import io.actdb.extractor.ExtractorException;
import io.actdb.storage.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IDX images file named in the MNIST way ({@code <prefix>-images-idx3-ubyte}, optionally {@code
 * .gz}) with its labels file beside it ({@code <prefix>-labels-idx1-ubyte}, gzipped or not), as a
 * {@link FashionMnist.Split}: 28 × 28 grey images, one channel, pixel / 255.
 *
 * <p>Sample ids are the image indices 0, 1, 2, ... of the file (unlike the {@code fashion-mnist}
 * forms, whose test images start at 60000). The split is {@code train} for the prefix {@code
 * train}, {@code test} for {@code t10k} or {@code test}, else the prefix itself. Label names are
 * the label numbers as text, or Fashion-MNIST's class names when the file's name or its folder's
 * name contains "fashion" (Debian installs the files in {@code fashion-mnist}).
 */
final class IdxImages {
  private IdxImages() {}

  private static final Pattern NAME = Pattern.compile("(.+)-images([-.])idx3-ubyte(\\.gz)?");

  static boolean isImagesFile(Path path) {
    Path name = path.getFileName();
    return name != null && NAME.matcher(name.toString()).matches();
  }

  static SampleSource open(Path images) throws ExtractorException {
    Matcher m = NAME.matcher(images.getFileName().toString());
    if (!m.matches())
      throw new ExtractorException(
          images + ": not named like an IDX images file (*-images-idx3-ubyte[.gz])");
    String prefix = m.group(1);
    String labelsName = prefix + "-labels" + m.group(2) + "idx1-ubyte";
    Path labels = images.resolveSibling(labelsName + (m.group(3) == null ? "" : ".gz"));
    if (!Files.isRegularFile(labels))
      labels = images.resolveSibling(labelsName + (m.group(3) == null ? ".gz" : ""));
    if (!Files.isRegularFile(labels)) {
      throw new ExtractorException(
          images
              + ": its labels file "
              + labelsName
              + "[.gz] is missing from "
              + images.toAbsolutePath().getParent());
    }
    IdxFile imageData = read(images);
    IdxFile labelData = read(labels);
    int[] dims = imageData.dims();
    if (dims.length != 3 || dims[1] != FashionMnist.SIDE || dims[2] != FashionMnist.SIDE) {
      throw new ExtractorException(
          images + ": only 28 × 28 images (the MNIST family) are supported, not " + shape(dims));
    }
    if (labelData.dims().length != 1 || labelData.count() != imageData.count()) {
      throw new ExtractorException(
          labels
              + ": expected "
              + imageData.count()
              + " labels for "
              + images
              + ", found "
              + shape(labelData.dims()));
    }
    boolean fashion = mentionsFashion(images);
    for (int i = 0; fashion && i < labelData.count(); i++) {
      if (labelData.value(i, 0) >= FashionMnist.CLASS_NAMES.size()) {
        throw new ExtractorException(
            labels
                + ": label "
                + labelData.value(i, 0)
                + " of image "
                + i
                + " is not a Fashion-MNIST class (0..9)");
      }
    }
    var split = new FashionMnist.Split(splitOf(prefix), imageData, labelData, 0, images.toString());
    return fashion ? split : new NumberedLabels(split);
  }

  /** Whether the file's name or its folder's name says Fashion-MNIST, as Debian's folder does. */
  private static boolean mentionsFashion(Path images) {
    Path folder = images.toAbsolutePath().getParent().getFileName();
    String names = images.getFileName() + "/" + (folder == null ? "" : folder);
    return names.toLowerCase(Locale.ROOT).contains("fashion");
  }

  private static String splitOf(String prefix) {
    return switch (prefix) {
      case "train" -> "train";
      case "t10k", "test" -> "test";
      default -> prefix;
    };
  }

  private static IdxFile read(Path path) throws ExtractorException {
    try (InputStream in = Files.newInputStream(path)) {
      return IdxFile.read(in, path.toString());
    } catch (ExtractorException e) {
      throw e;
    } catch (IOException e) {
      // IdxFile's messages already name the file and the problem.
      throw new ExtractorException(e.getMessage(), e);
    }
  }

  private static String shape(int[] dims) {
    StringBuilder s = new StringBuilder();
    for (int d : dims) s.append(s.isEmpty() ? "" : " × ").append(d);
    return s.toString();
  }

  /** A split whose label names are the label numbers. */
  private record NumberedLabels(FashionMnist.Split split) implements SampleSource {
    @Override
    public String description() {
      return split.description();
    }

    @Override
    public int size() {
      return split.size();
    }

    @Override
    public int channels() {
      return split.channels();
    }

    @Override
    public int height() {
      return split.height();
    }

    @Override
    public int width() {
      return split.width();
    }

    @Override
    public Sample sample(int i) {
      int label = split.label(i);
      return new Sample(
          split.sampleId(i), split.name(), label, Integer.toString(label), split.source());
    }

    @Override
    public void read(int i, float[] target, int offset) {
      split.read(i, target, offset);
    }
  }
}

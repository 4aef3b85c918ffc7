package io.actdb.extractor.data;

import io.actdb.extractor.ExtractorException;
import io.actdb.storage.Sample;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder of images with one subfolder per class, as torchvision's {@code ImageFolder} reads it:
 * the class is the subfolder's name, labels number the subfolders in name order, and each image
 * goes through {@link ImageNetPreprocessing} (3 × 224 × 224).
 *
 * <p>Images are the files named {@code .jpg}, {@code .jpeg}, {@code .png}, {@code .bmp} or {@code
 * .gif} (any case) anywhere below a class subfolder, ordered by relative path compared name by name
 * (so by class first). Names starting with a dot are skipped, files and folders alike. Files lying
 * directly in the top folder belong to no class and are ignored, as torchvision does. A class
 * subfolder without images still takes its label number.
 *
 * <p>A sample's id is the first 8 bytes of the SHA-256 of its relative path (UTF-8, {@code /}
 * separators, Unicode NFC so that macOS and Linux copies agree), made non-negative: ids do not
 * change when images are added or removed elsewhere, but do when an image is renamed or moved. The
 * sample's {@code source} is that relative path, its split the one given (by default the folder's
 * name). Files are only decoded by {@link #read}.
 */
public final class ImageFolder implements SampleSource {
  private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

  private final Path folder;
  private final List<String> classNames;
  private final List<Path> files;
  private final List<Sample> samples;

  private ImageFolder(
      Path folder, List<String> classNames, List<Path> files, List<Sample> samples) {
    this.folder = folder;
    this.classNames = classNames;
    this.files = files;
    this.samples = samples;
  }

  /** The images below {@code folder}, with the folder's name as their split. */
  public static ImageFolder open(Path folder) throws ExtractorException {
    Path name = folder.toAbsolutePath().normalize().getFileName();
    return open(folder, name == null ? null : name.toString());
  }

  /**
   * The images below {@code folder}, with the given split.
   *
   * @throws ExtractorException when the folder is missing, has no class subfolders or no images,
   *     cannot be listed, or two relative paths hash to the same id
   */
  public static ImageFolder open(Path folder, String split) throws ExtractorException {
    if (!Files.isDirectory(folder)) {
      throw new ExtractorException(
          Files.exists(folder) ? folder + " is not a folder" : "no such folder: " + folder);
    }
    List<Path> classFolders = new ArrayList<>();
    int loose = 0;
    for (Path child : list(folder)) {
      if (hidden(child)) continue;
      if (Files.isDirectory(child)) classFolders.add(child);
      else if (isImage(child)) loose++;
    }
    if (classFolders.isEmpty()) {
      throw new ExtractorException(
          "empty folder: "
              + folder
              + " has no class subfolders (expected one subfolder of images per class"
              + (loose > 0 ? "; the " + loose + " images directly in it belong to no class" : "")
              + ")");
    }
    classFolders.sort(Comparator.comparing(p -> nfc(p.getFileName().toString())));

    List<String> classNames = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Sample> samples = new ArrayList<>();
    Map<Long, String> pathById = new HashMap<>();
    for (int label = 0; label < classFolders.size(); label++) {
      Path classFolder = classFolders.get(label);
      String className = nfc(classFolder.getFileName().toString());
      classNames.add(className);
      for (Path file : images(classFolder)) {
        String relative = relativeName(folder, file);
        long id = idOf(relative);
        String previous = pathById.putIfAbsent(id, relative);
        if (previous != null) {
          throw new ExtractorException(
              folder
                  + ": "
                  + previous
                  + " and "
                  + relative
                  + " get the same sample id "
                  + id
                  + "; rename one of them");
        }
        files.add(file);
        samples.add(new Sample(id, split, label, className, relative));
      }
    }
    if (files.isEmpty()) {
      throw new ExtractorException(
          "empty folder: "
              + folder
              + " has no images ("
              + String.join(", ", EXTENSIONS.stream().sorted().toList())
              + ") in its class subfolders "
              + classNames);
    }
    return new ImageFolder(
        folder, List.copyOf(classNames), List.copyOf(files), List.copyOf(samples));
  }

  /** The class names, by label. */
  public List<String> classNames() {
    return classNames;
  }

  /** The image files, by sample index. */
  public List<Path> files() {
    return files;
  }

  @Override
  public String description() {
    return folder.toString();
  }

  @Override
  public int size() {
    return files.size();
  }

  @Override
  public int channels() {
    return ImageNetPreprocessing.CHANNELS;
  }

  @Override
  public int height() {
    return ImageNetPreprocessing.CROP;
  }

  @Override
  public int width() {
    return ImageNetPreprocessing.CROP;
  }

  @Override
  public Sample sample(int i) {
    return samples.get(i);
  }

  /** Decodes image {@code i} and writes its preprocessed tensor; an undecodable file is named. */
  @Override
  public void read(int i, float[] target, int offset) throws ExtractorException {
    Path file = files.get(i);
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      // Decoder plugins also throw runtime exceptions on damaged data.
      throw new ExtractorException(file + ": cannot decode the image (" + e.getMessage() + ")", e);
    }
    if (image == null) {
      throw new ExtractorException(
          file + ": not an image that Java can decode (no ImageIO reader recognises it)");
    }
    ImageNetPreprocessing.apply(image, target, offset);
  }

  /** The id of the image at {@code relative} (a {@code /}-separated path below the top folder). */
  public static long idOf(String relative) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(nfc(relative).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong() & Long.MAX_VALUE;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static List<Path> images(Path classFolder) throws ExtractorException {
    // Following links as torchvision does; a link loop ends the walk with an error.
    try (Stream<Path> walk = Files.walk(classFolder, FileVisitOption.FOLLOW_LINKS)) {
      List<Path> found = new ArrayList<>();
      walk.filter(p -> !p.equals(classFolder))
          .filter(p -> !hiddenBelow(classFolder, p))
          .filter(p -> Files.isRegularFile(p) && isImage(p))
          .forEach(found::add);
      found.sort(
          Comparator.comparing(p -> relativeName(classFolder, p), ImageFolder::compareByName));
      return found;
    } catch (IOException | UncheckedIOException e) {
      throw new ExtractorException("cannot list " + classFolder + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> list(Path folder) throws ExtractorException {
    try (Stream<Path> children = Files.list(folder)) {
      return children.toList();
    } catch (IOException | UncheckedIOException e) {
      throw new ExtractorException("cannot list " + folder + ": " + e.getMessage(), e);
    }
  }

  /** Compares {@code /}-separated paths name by name, so a folder's files stay together. */
  private static int compareByName(String a, String b) {
    String[] x = a.split("/");
    String[] y = b.split("/");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = x[i].compareTo(y[i]);
      if (c != 0) return c;
    }
    return Integer.compare(x.length, y.length);
  }

  private static String relativeName(Path base, Path file) {
    List<String> names = new ArrayList<>();
    for (Path name : base.relativize(file)) names.add(name.toString());
    return nfc(String.join("/", names));
  }

  private static boolean hiddenBelow(Path base, Path file) {
    for (Path name : base.relativize(file)) {
      if (name.toString().startsWith(".")) return true;
    }
    return false;
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }

  private static boolean isImage(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static String nfc(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFC);
  }
}

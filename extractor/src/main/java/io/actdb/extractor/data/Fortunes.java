package io.actdb.extractor.data;

import io.actdb.extractor.ExtractorException;
import io.actdb.storage.Sample;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The {@code fortunes} text set: Debian's fortune cookie files ({@code fortunes-min}, and {@code
 * fortunes} when installed), labelled by the file they come from.
 *
 * <ul>
 *   <li>Each plain file of the folder is a category (its name is the label name; labels are
 *       numbered in the sorted order of the categories found). The index files ({@code .dat}), the
 *       {@code .u8} links to the same files, hidden files and subfolders (the offensive {@code
 *       off/} set) are left out.
 *   <li>Entries are separated by lines holding only {@code %}; an entry's text is its lines joined
 *       with newlines, leading and trailing blank space removed.
 *   <li>Entries longer than {@value #MAX_CHARS} characters (long ASCII art, whole poems) are
 *       skipped and counted: a sentence encoder would see only their first ~128 tokens anyway.
 *   <li>Entry {@code k} of a file (counting every entry, kept or not) has id {@code crc32(category)
 *       × 2^20 + k}, the same on every machine whichever fortune packages are installed, and split
 *       {@code test} when {@code k % 5 == 4}, else {@code train}. Its source is {@code file:k}.
 * </ul>
 */
public final class Fortunes {
  private Fortunes() {}

  /** Where Debian's fortune packages install the cookie files. */
  public static final Path DEBIAN_FOLDER = Path.of("/usr/share/games/fortunes");

  /** Longest entry kept, in characters. */
  public static final int MAX_CHARS = 500;

  private static final int ENTRY_BITS = 20;

  /** The installed Debian set; an error saying which package to install when it is missing. */
  static TextRows installed() throws ExtractorException {
    return installed(DEBIAN_FOLDER);
  }

  static TextRows installed(Path folder) throws ExtractorException {
    if (!Files.isDirectory(folder)) {
      throw new ExtractorException(
          "--data fortunes: Debian's fortune cookies are not installed ("
              + folder
              + " is missing); install them with: apt-get install fortunes-min (or fortunes for"
              + " the full set)");
    }
    return read(folder);
  }

  /** Every category file of {@code folder}. */
  public static TextRows read(Path folder) throws ExtractorException {
    TreeMap<String, Path> categories = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.startsWith(".") || name.endsWith(".dat") || name.endsWith(".u8")) continue;
        if (Files.isRegularFile(f)) categories.put(name, f);
      }
    } catch (IOException e) {
      throw new ExtractorException("cannot list the fortune files in " + folder + ": " + e, e);
    }
    List<Parsed> parsed = new ArrayList<>();
    Map<Long, String> categoryOfPrefix = new HashMap<>();
    int skippedEmpty = 0;
    int skippedLong = 0;
    for (var category : categories.entrySet()) {
      long prefix = prefix(category.getKey());
      String other = categoryOfPrefix.putIfAbsent(prefix, category.getKey());
      if (other != null) {
        throw new ExtractorException(
            folder
                + ": the fortune files "
                + other
                + " and "
                + category.getKey()
                + " would share sample ids; rename one of them");
      }
      List<String> entries = entries(category.getValue());
      if (entries.size() >= 1 << ENTRY_BITS) {
        throw new ExtractorException(
            category.getValue() + ": more than " + ((1 << ENTRY_BITS) - 1) + " entries");
      }
      for (int k = 0; k < entries.size(); k++) {
        String text = entries.get(k);
        if (text.isEmpty()) {
          skippedEmpty++;
        } else if (text.length() > MAX_CHARS) {
          skippedLong++;
        } else {
          parsed.add(new Parsed(category.getKey(), category.getValue(), k, text));
        }
      }
    }
    if (parsed.isEmpty()) {
      throw new ExtractorException(
          folder + " holds no fortune entries of at most " + MAX_CHARS + " characters");
    }
    // labels number the categories that kept at least one entry, so they have no gaps
    TreeMap<String, Integer> labels = new TreeMap<>();
    for (Parsed p : parsed) labels.put(p.category, 0);
    int next = 0;
    for (var e : labels.entrySet()) e.setValue(next++);
    List<Sample> samples = new ArrayList<>(parsed.size());
    List<String> texts = new ArrayList<>(parsed.size());
    for (Parsed p : parsed) {
      samples.add(
          TextRows.sample(
              (prefix(p.category) << ENTRY_BITS) + p.entry,
              p.entry % 5 == 4 ? "test" : "train",
              labels.get(p.category),
              p.category,
              p.file + ":" + p.entry,
              p.text));
      texts.add(p.text);
    }
    return new TextRows("fortunes (" + folder + ")", samples, texts, skippedEmpty, skippedLong);
  }

  private record Parsed(String category, Path file, int entry, String text) {}

  private static long prefix(String category) {
    CRC32 crc = new CRC32();
    crc.update(category.getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }

  /** The entries of one cookie file, blank space around each removed (empty ones included). */
  static List<String> entries(Path file) throws ExtractorException {
    String content;
    try {
      // a few old cookie files are not valid UTF-8: such bytes become U+FFFD rather than failing
      content =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE)
              .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (CharacterCodingException e) {
      throw new AssertionError("a replacing decoder does not throw", e);
    } catch (IOException e) {
      throw new ExtractorException("cannot read the fortune file " + file + ": " + e, e);
    }
    List<String> entries = new ArrayList<>();
    StringBuilder entry = new StringBuilder();
    for (String line : content.split("\r?\n", -1)) {
      if (line.equals("%")) {
        entries.add(entry.toString().strip());
        entry.setLength(0);
      } else {
        entry.append(line).append('\n');
      }
    }
    // the file's last entry has no closing % (or is the empty rest after it)
    String last = entry.toString().strip();
    if (!last.isEmpty()) entries.add(last);
    return entries;
  }
}

package io.actdb.extractor.data;

import io.actdb.extractor.ExtractorException;
import io.actdb.storage.Sample;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code wordnet} text set: the noun definitions of WordNet 3.0 (Debian's {@code wordnet-base},
 * file {@code data.noun}), labelled by their lexicographer class such as {@code noun.animal}.
 *
 * <ul>
 *   <li>One sample per noun synset, in the file's order; its id is the synset offset (stable for
 *       WordNet 3.0 on every machine), its source {@code data.noun:<offset>}.
 *   <li>The text is the definition: the gloss (after {@code |}) up to its first quoted example
 *       ({@code ; "}), trimmed. Synsets whose definition is empty are skipped and counted.
 *   <li>The label is the class's position among WordNet's 26 noun classes ({@link #NOUN_CLASSES},
 *       its lexicographer file number minus 3), the label name the class.
 *   <li>Within each class, every 5th synset in file order (the 5th, 10th, ...) is split {@code
 *       test}, the others {@code train}.
 * </ul>
 */
public final class WordNetNouns {
  private WordNetNouns() {}

  /** Where Debian's wordnet-base installs the noun synsets. */
  public static final Path DEBIAN_FILE = Path.of("/usr/share/wordnet/data.noun");

  /**
   * WordNet's noun lexicographer files in number order (03 to 28), which is also their sorted
   * order; a class's label is its index here.
   */
  public static final List<String> NOUN_CLASSES =
      List.of(
          "noun.Tops",
          "noun.act",
          "noun.animal",
          "noun.artifact",
          "noun.attribute",
          "noun.body",
          "noun.cognition",
          "noun.communication",
          "noun.event",
          "noun.feeling",
          "noun.food",
          "noun.group",
          "noun.location",
          "noun.motive",
          "noun.object",
          "noun.person",
          "noun.phenomenon",
          "noun.plant",
          "noun.possession",
          "noun.process",
          "noun.quantity",
          "noun.relation",
          "noun.shape",
          "noun.state",
          "noun.substance",
          "noun.time");

  private static final int FIRST_NOUN_FILE = 3;

  /** The installed Debian file; an error saying which package to install when it is missing. */
  static TextRows installed() throws ExtractorException {
    return installed(DEBIAN_FILE);
  }

  static TextRows installed(Path dataNoun) throws ExtractorException {
    if (!Files.isRegularFile(dataNoun)) {
      throw new ExtractorException(
          "--data wordnet: WordNet is not installed ("
              + dataNoun
              + " is missing); install it with: apt-get install wordnet-base");
    }
    return read(dataNoun);
  }

  /** The noun synsets of a WordNet 3.0 {@code data.noun} file. */
  public static TextRows read(Path dataNoun) throws ExtractorException {
    List<Sample> samples = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    int[] perClass = new int[NOUN_CLASSES.size()];
    int skippedEmpty = 0;
    int lineNumber = 0;
    try (BufferedReader in = Files.newBufferedReader(dataNoun, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        lineNumber++;
        if (line.startsWith("  ") || line.isEmpty()) continue; // the licence header
        int bar = line.indexOf(" | ");
        String[] fields = line.split(" ", 3);
        if (bar < 0 || fields.length < 3) throw malformed(dataNoun, lineNumber, "no ' | ' gloss");
        long offset;
        int lexFile;
        try {
          offset = Long.parseLong(fields[0]);
          lexFile = Integer.parseInt(fields[1]);
        } catch (NumberFormatException e) {
          throw malformed(dataNoun, lineNumber, "no synset offset and lexicographer file number");
        }
        int label = lexFile - FIRST_NOUN_FILE;
        if (label < 0 || label >= NOUN_CLASSES.size()) {
          throw malformed(
              dataNoun, lineNumber, "lexicographer file " + lexFile + " is not a noun's");
        }
        String text = definition(line.substring(bar + 3));
        if (text.isEmpty()) {
          skippedEmpty++;
          continue;
        }
        int inClass = perClass[label]++;
        samples.add(
            TextRows.sample(
                offset,
                inClass % 5 == 4 ? "test" : "train",
                label,
                NOUN_CLASSES.get(label),
                "data.noun:" + fields[0],
                text));
        texts.add(text);
      }
    } catch (IOException e) {
      throw new ExtractorException("cannot read WordNet's " + dataNoun + ": " + e, e);
    }
    if (samples.isEmpty()) throw new ExtractorException(dataNoun + " holds no noun definitions");
    return new TextRows("wordnet (" + dataNoun + ")", samples, texts, skippedEmpty, 0);
  }

  /** A gloss's definition: the text before its first quoted example. */
  static String definition(String gloss) {
    int example = gloss.indexOf("; \"");
    return (example < 0 ? gloss : gloss.substring(0, example)).strip();
  }

  private static ExtractorException malformed(Path file, int line, String what) {
    return new ExtractorException(
        file + ":" + line + ": not a WordNet 3.0 data.noun line (" + what + ")");
  }
}

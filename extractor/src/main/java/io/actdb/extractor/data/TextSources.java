package io.actdb.extractor.data;

import io.actdb.extractor.ExtractorException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Turns the CLI's {@code --data} value into a {@link TextSource}, when it names text:
 *
 * <ul>
 *   <li>{@code sentences}: the embedded labelled set ({@link EmbeddedSentences});
 *   <li>{@code fortunes}: Debian's fortune cookies ({@link Fortunes});
 *   <li>{@code wordnet}: Debian's WordNet noun definitions ({@link WordNetNouns});
 *   <li>a {@code .csv}, {@code .parquet} or {@code .jsonl} file, read with the given columns.
 * </ul>
 *
 * The names come first: a file called {@code fortunes} is reached as {@code ./fortunes}, which is
 * not a text file name.
 */
public final class TextSources {
  private TextSources() {}

  /** The accepted forms, for help texts and error messages. */
  public static final String FORMS =
      "sentences (embedded), fortunes, wordnet (Debian packages), or a .csv, .parquet or .jsonl"
          + " file";

  private static final Set<String> BUILT_IN = Set.of("sentences", "fortunes", "wordnet");

  /** Whether {@code dataArgument} names a text set: a built-in text name or a text file name. */
  public static boolean isText(String dataArgument) {
    return BUILT_IN.contains(dataArgument) || TextFile.Format.of(dataArgument) != null;
  }

  /**
   * The text set {@code dataArgument} names.
   *
   * @param columns the columns of a text file; for a built-in set they must all be null except a
   *     text column of {@code text}
   * @throws ExtractorException for anything but a text set, a missing file or package, a missing
   *     column, duplicate ids or a set without any text, saying what and where
   */
  public static TextSource open(String dataArgument, TextColumns columns)
      throws ExtractorException {
    TextColumns given = columns == null ? TextColumns.DEFAULTS : columns;
    if (BUILT_IN.contains(dataArgument)) {
      if (given.namesMetadata() || !given.textOrDefault().equals(TextColumns.DEFAULT_TEXT)) {
        throw new ExtractorException(
            "--data "
                + dataArgument
                + " is a built-in set with its own texts, labels, ids and splits; the column"
                + " options apply to .csv, .parquet and .jsonl files only");
      }
      return switch (dataArgument) {
        case "sentences" -> EmbeddedSentences.load();
        case "fortunes" -> Fortunes.installed();
        default -> WordNetNouns.installed();
      };
    }
    TextFile.Format format = TextFile.Format.of(dataArgument);
    if (format == null) {
      throw new ExtractorException(
          "--data " + dataArgument + " is not a text set; accepted: " + FORMS);
    }
    Path file;
    try {
      file = Path.of(dataArgument);
    } catch (InvalidPathException e) {
      throw new ExtractorException("--data " + dataArgument + " is not a valid path");
    }
    return TextFile.read(file, format, given);
  }
}

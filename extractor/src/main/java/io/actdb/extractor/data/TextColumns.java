package io.actdb.extractor.data;

/**
 * Which columns of a text file hold what. Every name is optional; a null text column means {@code
 * text}.
 *
 * @param text the column with the texts (default {@code text})
 * @param label class labels: integers are the label index, anything else a label name
 * @param id integer sample ids, unique; without it the 0-based row number is the id
 * @param split the split of each row (e.g. {@code train}, {@code test})
 */
public record TextColumns(String text, String label, String id, String split) {
  /** The default text column's name. */
  public static final String DEFAULT_TEXT = "text";

  /** Only the default text column. */
  public static final TextColumns DEFAULTS = new TextColumns(null, null, null, null);

  /** The text column's name, the default when none was given. */
  public String textOrDefault() {
    return text == null ? DEFAULT_TEXT : text;
  }

  /** Whether any column other than the text was named. */
  boolean namesMetadata() {
    return label != null || id != null || split != null;
  }
}

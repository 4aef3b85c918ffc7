package io.actdb.storage;

/**
 * One input sample, a row of the store's {@code samples} table.
 *
 * @param id the stable {@code sample_id} that activation rows refer to
 * @param split e.g. {@code train} or {@code test}; may be null
 * @param label class index; may be null
 * @param labelName class name; may be null
 * @param source where the sample came from (file and index, path, ...); may be null
 * @param text the input text of a text sample; null for images (and in stores written before
 *     samples had text)
 */
public record Sample(
    long id, String split, Integer label, String labelName, String source, String text) {

  /** A sample without text (an image, or anything not read as text). */
  public Sample(long id, String split, Integer label, String labelName, String source) {
    this(id, split, label, labelName, source, null);
  }
}

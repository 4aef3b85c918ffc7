package io.actdb.extractor.data;

import io.actdb.storage.Sample;
import java.util.List;

/**
 * A text data set held in memory, as every text reader builds it: the kept samples with their
 * texts, and what was left out.
 *
 * @param skippedTooLong rows left out because their text exceeded a reader's length cap (only the
 *     {@code fortunes} set has one)
 */
public record TextRows(
    String description,
    List<Sample> samples,
    List<String> texts,
    int skippedEmpty,
    int skippedTooLong)
    implements TextSource {
  public TextRows {
    if (samples.size() != texts.size()) {
      throw new IllegalArgumentException(
          samples.size() + " samples but " + texts.size() + " texts");
    }
    samples = List.copyOf(samples);
    texts = List.copyOf(texts);
  }

  @Override
  public int size() {
    return samples.size();
  }

  @Override
  public Sample sample(int i) {
    return samples.get(i);
  }

  @Override
  public String text(int i) {
    return texts.get(i);
  }

  /**
   * A sample of a text set. The one place that builds them, so that the text lands in the store
   * once the store's samples carry it.
   */
  static Sample sample(
      long id, String split, Integer label, String labelName, String source, String text) {
    return new Sample(id, split, label, labelName, source);
  }

  static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }
}

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
    String description, List<Sample> samples, int skippedEmpty, int skippedTooLong)
    implements TextSource {
  public TextRows {
    for (Sample s : samples) {
      if (isBlank(s.text()))
        throw new IllegalArgumentException("sample " + s.id() + " has no text");
    }
    samples = List.copyOf(samples);
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
    return samples.get(i).text();
  }

  static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }
}

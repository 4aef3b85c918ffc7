package io.actdb.extractor.data;

import io.actdb.storage.Sample;

/**
 * A text data set as the extractor sees it: a fixed number of samples, each with its store metadata
 * and its text. Implementations are safe to read from one thread at a time.
 */
public interface TextSource {
  /** A short description for progress lines and error messages, e.g. the file. */
  String description();

  int size();

  /** Metadata of sample {@code i}; its id is stable across runs and machines. */
  Sample sample(int i);

  /** The text of sample {@code i}: never null and never blank (sources skip and count those). */
  String text(int i);

  /** How many input rows the source skipped because their text was empty or blank. */
  int skippedEmpty();
}

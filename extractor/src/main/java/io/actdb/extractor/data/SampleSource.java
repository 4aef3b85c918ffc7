package io.actdb.extractor.data;

import io.actdb.storage.Sample;
import java.io.IOException;

/**
 * A data set as the extractor sees it: a fixed number of samples, each with its store metadata and
 * a preprocessed input tensor of shape channels × height × width (row-major floats).
 * Implementations are safe to read from one thread at a time.
 */
public interface SampleSource {
  /** A short description for progress lines and error messages, e.g. the folder. */
  String description();

  int size();

  int channels();

  int height();

  int width();

  default int valuesPerSample() {
    return channels() * height() * width();
  }

  /** Metadata of sample {@code i}; its id is stable across runs and machines. */
  Sample sample(int i);

  /**
   * Writes sample {@code i}'s preprocessed input into {@code target} starting at {@code offset}
   * ({@link #valuesPerSample()} floats).
   *
   * @throws IOException naming the file when the sample cannot be read or decoded
   */
  void read(int i, float[] target, int offset) throws IOException;
}

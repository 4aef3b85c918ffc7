package io.actdb.extractor.model.builtin;

import io.actdb.extractor.ExtractorException;
import io.actdb.extractor.data.SampleSource;
import io.actdb.storage.Sample;
import java.io.IOException;

/** The first {@code size} samples of a source, read once into memory, and their labels. */
final class TrainingData {
  private final int size;
  private final int valuesPerSample;
  private final float[] inputs;
  private final long[] labels;

  private TrainingData(int size, int valuesPerSample, float[] inputs, long[] labels) {
    this.size = size;
    this.valuesPerSample = valuesPerSample;
    this.inputs = inputs;
    this.labels = labels;
  }

  static TrainingData read(SampleSource source, int size, int classes) throws IOException {
    int values = source.valuesPerSample();
    float[] inputs = new float[Math.multiplyExact(size, values)];
    long[] labels = new long[size];
    for (int i = 0; i < size; i++) {
      Sample sample = source.sample(i);
      Integer label = sample.label();
      if (label == null || label < 0 || label >= classes) {
        throw new ExtractorException(
            source.description()
                + ": sample "
                + i
                + " has label "
                + label
                + "; training needs labels 0.."
                + (classes - 1));
      }
      labels[i] = label;
      source.read(i, inputs, i * values);
    }
    return new TrainingData(size, values, inputs, labels);
  }

  int size() {
    return size;
  }

  /** The inputs of samples {@code order[from..to)}, one after another. */
  float[] inputs(int[] order, int from, int to) {
    float[] batch = new float[(to - from) * valuesPerSample];
    for (int i = from; i < to; i++) {
      System.arraycopy(
          inputs, order[i] * valuesPerSample, batch, (i - from) * valuesPerSample, valuesPerSample);
    }
    return batch;
  }

  /** The labels of samples {@code order[from..to)}. */
  long[] labels(int[] order, int from, int to) {
    long[] batch = new long[to - from];
    for (int i = from; i < to; i++) batch[i - from] = labels[order[i]];
    return batch;
  }
}

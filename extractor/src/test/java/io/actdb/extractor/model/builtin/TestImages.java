package io.actdb.extractor.model.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.actdb.extractor.data.FashionMnist;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Embedded Fashion-MNIST test images as batches. */
final class TestImages {
  private TestImages() {}

  private static FashionMnist.Split images;

  static synchronized FashionMnist.Split source() {
    if (images == null) {
      try {
        images = FashionMnist.embeddedTest();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return images;
  }

  /** Images {@code from..from+count} as floats, one after another. */
  static float[] values(int from, int count) {
    FashionMnist.Split s = source();
    float[] values = new float[count * s.valuesPerSample()];
    for (int i = 0; i < count; i++) {
      s.read(from + i, values, i * s.valuesPerSample());
    }
    return values;
  }

  static NDArray batch(NDManager manager, int from, int count) {
    return manager.create(values(from, count), new Shape(count, 1, 28, 28));
  }
}

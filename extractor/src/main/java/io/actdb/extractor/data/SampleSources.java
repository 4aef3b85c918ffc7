package io.actdb.extractor.data;

import io.actdb.storage.Sample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Views over sample sources: a contiguous range of one, several one after another. */
public final class SampleSources {
  private SampleSources() {}

  /** Samples {@code from} (inclusive) to {@code to} (exclusive) of {@code source}. */
  public static SampleSource range(SampleSource source, int from, int to) {
    if (from < 0 || to > source.size() || from > to) {
      throw new IllegalArgumentException(
          "range "
              + from
              + ".."
              + to
              + " outside "
              + source.description()
              + " ("
              + source.size()
              + " samples)");
    }
    return new SameShape(source) {
      @Override
      public String description() {
        return source.description() + " [" + from + ", " + to + ")";
      }

      @Override
      public int size() {
        return to - from;
      }

      @Override
      public Sample sample(int i) {
        return source.sample(from + i);
      }

      @Override
      public void read(int i, float[] target, int offset) throws IOException {
        source.read(from + i, target, offset);
      }
    };
  }

  /**
   * The same samples with another split name in their metadata (ids unchanged): e.g. part of a test
   * set used for training when no training set is installed.
   */
  public static SampleSource withSplit(SampleSource source, String split) {
    return new SameShape(source) {
      @Override
      public String description() {
        return source.description() + " as " + split;
      }

      @Override
      public int size() {
        return source.size();
      }

      @Override
      public Sample sample(int i) {
        Sample s = source.sample(i);
        return new Sample(s.id(), split, s.label(), s.labelName(), s.source());
      }

      @Override
      public void read(int i, float[] target, int offset) throws IOException {
        source.read(i, target, offset);
      }
    };
  }

  /** The samples of every source, in order; all must have the same input shape. */
  public static SampleSource concat(List<? extends SampleSource> sources) {
    if (sources.isEmpty()) throw new IllegalArgumentException("no sample sources to concatenate");
    SampleSource first = sources.getFirst();
    for (SampleSource s : sources) {
      if (s.channels() != first.channels()
          || s.height() != first.height()
          || s.width() != first.width()) {
        throw new IllegalArgumentException(
            s.description()
                + " has inputs of "
                + shape(s)
                + " but "
                + first.description()
                + " has "
                + shape(first));
      }
    }
    if (sources.size() == 1) return first;
    List<SampleSource> parts = List.copyOf(sources);
    int[] starts = new int[parts.size() + 1];
    for (int p = 0; p < parts.size(); p++)
      starts[p + 1] = Math.addExact(starts[p], parts.get(p).size());
    List<String> names = new ArrayList<>();
    for (SampleSource s : parts) names.add(s.description());
    String description = String.join(" + ", names);
    return new SameShape(first) {
      @Override
      public String description() {
        return description;
      }

      @Override
      public int size() {
        return starts[parts.size()];
      }

      @Override
      public Sample sample(int i) {
        int p = partOf(i);
        return parts.get(p).sample(i - starts[p]);
      }

      @Override
      public void read(int i, float[] target, int offset) throws IOException {
        int p = partOf(i);
        parts.get(p).read(i - starts[p], target, offset);
      }

      private int partOf(int i) {
        if (i < 0 || i >= starts[parts.size()]) throw new IndexOutOfBoundsException(i);
        int p = 0;
        while (starts[p + 1] <= i) p++;
        return p;
      }
    };
  }

  private static String shape(SampleSource s) {
    return s.channels() + "×" + s.height() + "×" + s.width();
  }

  /** A view whose inputs have the shape of {@code shapeOf}'s. */
  private abstract static class SameShape implements SampleSource {
    private final SampleSource shapeOf;

    SameShape(SampleSource shapeOf) {
      this.shapeOf = shapeOf;
    }

    @Override
    public int channels() {
      return shapeOf.channels();
    }

    @Override
    public int height() {
      return shapeOf.height();
    }

    @Override
    public int width() {
      return shapeOf.width();
    }
  }
}

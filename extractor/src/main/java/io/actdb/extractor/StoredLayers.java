package io.actdb.extractor;

import io.actdb.storage.LayerEntry;
import io.actdb.storage.LayerReader;
import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * What a run finds in the store before it starts, shared by the image and the text extraction:
 * which requested layers it writes and which it skips because they already hold exactly its
 * samples.
 */
final class StoredLayers {
  private StoredLayers() {}

  /**
   * The requested layers to write: those the store lacks, or all with {@code replace}. A layer the
   * store holds for exactly these samples, in this order, is added to {@code skipped}; one holding
   * other samples, or other pooling when {@code pooling} is given, is refused.
   *
   * @param pooling the pooling the run stores (manifest name), or null where it is only known per
   *     layer after the first batch
   */
  static List<String> toWrite(
      StoreWriter store,
      String modelName,
      List<String> requested,
      List<Sample> samples,
      String dataDescription,
      String pooling,
      boolean replace,
      List<String> skipped)
      throws IOException {
    List<String> todo = new ArrayList<>();
    for (String layer : requested) {
      Optional<LayerEntry> existing = store.manifest().layer(modelName, layer);
      if (existing.isEmpty() || replace) {
        todo.add(layer);
        continue;
      }
      LayerEntry entry = existing.get();
      String where = store.directory() + ": layer " + modelName + "/" + layer;
      String remedy =
          "; use --replace to overwrite it, or --name to store this run under another model name";
      if (pooling != null && !pooling.equals(entry.pooling())) {
        throw new ExtractorException(
            where
                + " holds --pool "
                + entry.pooling()
                + " vectors, not --pool "
                + pooling
                + remedy);
      }
      if (!holdsExactly(store, entry, samples)) {
        throw new ExtractorException(
            where
                + " already holds "
                + entry.rows()
                + " rows of other samples than "
                + dataDescription
                + remedy);
      }
      skipped.add(layer);
    }
    return todo;
  }

  /**
   * The samples {@code sample(0..size-1)} gives, refused when an id occurs twice.
   *
   * @param description the data set, for the message
   */
  static List<Sample> distinctSamples(String description, int size, IntFunction<Sample> sample)
      throws ExtractorException {
    List<Sample> samples = new ArrayList<>(size);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < size; i++) {
      Sample s = sample.apply(i);
      if (!seen.add(s.id())) {
        throw new ExtractorException(
            description + ": sample id " + s.id() + " occurs twice (sample " + i + ")");
      }
      samples.add(s);
    }
    return samples;
  }

  /**
   * True when the published layer has exactly these samples' ids, in this order: one row each, or
   * for a token layer one run of rows each (every sample has at least one token).
   */
  static boolean holdsExactly(StoreWriter store, LayerEntry entry, List<Sample> samples)
      throws IOException {
    boolean tokenRows = entry.tokenRows();
    if (!tokenRows && entry.rows() != samples.size()) return false;
    if (tokenRows && entry.rows() < samples.size()) return false;
    try (BufferAllocator allocator = new RootAllocator();
        LayerReader reader = Store.open(store.directory()).openLayerSampleIds(entry, allocator)) {
      int sample = -1;
      while (reader.nextBatch()) {
        for (int i = 0; i < reader.batchRows(); i++) {
          long id = reader.sampleId(i);
          if (tokenRows && sample >= 0 && id == samples.get(sample).id()) continue;
          sample++;
          if (sample >= samples.size() || id != samples.get(sample).id()) return false;
        }
      }
      return sample == samples.size() - 1;
    }
  }
}

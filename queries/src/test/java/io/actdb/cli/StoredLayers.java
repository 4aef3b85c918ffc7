package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.actdb.storage.LayerEntry;
import io.actdb.storage.LayerReader;
import io.actdb.storage.Store;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/** Reads a stored layer back for the CLI tests, through the storage module's own reader. */
final class StoredLayers {
  private StoredLayers() {}

  /** The vectors of {@code model/layer} in file order; their sample ids go to {@code idsOut}. */
  static float[][] read(
      Path store, BufferAllocator allocator, String model, String layer, long[] idsOut)
      throws IOException {
    Store s = Store.open(store);
    LayerEntry e = s.manifest().layer(model, layer).orElseThrow();
    float[][] rows = new float[(int) e.rows()][];
    int n = 0;
    try (LayerReader r = s.openLayer(e, allocator)) {
      while (r.nextBatch()) {
        for (int i = 0; i < r.batchRows(); i++) {
          rows[n] = new float[e.dim()];
          r.copyVector(i, rows[n], 0);
          idsOut[n++] = r.sampleId(i);
        }
      }
    }
    assertEquals(e.rows(), n);
    return rows;
  }
}

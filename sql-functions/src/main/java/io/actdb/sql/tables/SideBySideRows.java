package io.actdb.sql.tables;

import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.spi.Cancellation;
import io.actdb.sql.spi.QueryCancelledException;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.LayerReader;
import io.actdb.storage.Store;
import io.actdb.storage.StoreException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongPredicate;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Reads L layers of a store straight into blocks of rows that hold each sample's L vectors side by
 * side (Σd floats), over the samples every layer has (and a filter keeps), in the first layer's
 * order; each layer's file is read once, with the storage module's checked reader.
 *
 * <p>First the sample ids of every layer (a projection: the vectors are not read), which fixes
 * where each row of each file goes. When every layer lists the kept samples in the same order, as
 * one extraction writes them, the files are read in step, one block at a time, so memory stays one
 * block whatever n (two, as the next block is read while the last one is used); otherwise all kept
 * rows are gathered first (n × Σd floats, checked against the heap budget).
 */
final class SideBySideRows {

  /** Takes each block of rows; the block is reused after the call returns. */
  @FunctionalInterface
  interface BlockSink {
    void accept(float[] block, int rows);
  }

  private final Store store;
  private final List<LayerEntry> layers;
  private final int[] starts; // layer l is columns starts[l] .. starts[l + 1] of a row
  private final int width;

  SideBySideRows(Store store, List<LayerEntry> layers) {
    this.store = store;
    this.layers = layers;
    starts = new int[layers.size() + 1];
    for (int l = 0; l < layers.size(); l++) starts[l + 1] = starts[l] + layers.get(l).dim();
    width = starts[layers.size()];
  }

  /**
   * Hands every kept sample's row to {@code sink}, in blocks of at most {@code blockRows} rows.
   *
   * @param keep which sample ids to keep (of those every layer holds)
   * @return the number of rows handed over
   * @throws SqlFunctionException naming the layer and the problem (unreadable or damaged file, a
   *     sample id twice in one layer)
   */
  long read(LongPredicate keep, int blockRows, BlockSink sink) {
    try (BufferAllocator allocator = new RootAllocator()) {
      int[][] destination = destinations(keep, allocator);
      int kept = 0;
      boolean inStep = true;
      for (int l = 0; l < layers.size(); l++) {
        int next = 0;
        for (int d : destination[l]) {
          if (d < 0) continue;
          inStep &= d == next;
          next++;
        }
        kept = next;
      }
      if (kept == 0) return 0;
      int window = inStep ? Math.min(blockRows, kept) : kept;
      String what = "the rows of " + layers.size() + " layers side by side";
      float[] block = HeapBudget.allocateFloats((long) window * width, what);
      Cursor[] cursors = new Cursor[layers.size()];
      try {
        for (int l = 0; l < layers.size(); l++) {
          cursors[l] = new Cursor(open(layers.get(l), allocator, true), destination[l]);
        }
        if (window == kept) {
          copyRows(cursors, 0, kept, block);
          Cancellation.checkpoint();
          sink.accept(block, kept);
        } else {
          float[] next = HeapBudget.allocateFloats((long) window * width, what);
          readAhead(cursors, kept, window, new float[][] {block, next}, sink);
        }
      } finally {
        for (Cursor c : cursors) if (c != null) c.reader.close();
      }
      return kept;
    }
  }

  /** Copies rows {@code [from, to)} of every layer into {@code block}. */
  private void copyRows(Cursor[] cursors, int from, int to, float[] block) {
    for (int l = 0; l < cursors.length; l++) {
      cursors[l].copyRows(from, to, block, starts[l], width, layers.get(l));
    }
  }

  /**
   * Hands blocks of {@code window} rows to {@code sink} while another thread reads the next block
   * into the other buffer: the files' reading and checksums then overlap the sink's work (the
   * kernel's), which is most of the time. The reader has finished before this returns or throws, so
   * the cursors can be closed.
   */
  private void readAhead(
      Cursor[] cursors, int kept, int window, float[][] buffers, BlockSink sink) {
    Cancellation cancellation = Cancellation.current();
    ExecutorService reader =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread t = new Thread(task, "actdb-layer-reader");
              t.setDaemon(true); // never keeps the JVM (or a DuckDB host process) alive
              return t;
            });
    Future<?> pending = null;
    try {
      pending = readLater(reader, cancellation, cursors, 0, Math.min(kept, window), buffers[0]);
      for (int from = 0, b = 0; from < kept; from += window, b ^= 1) {
        int to = Math.min(kept, from + window);
        await(pending);
        pending = null;
        if (to < kept) {
          int end = Math.min(kept, to + window);
          pending = readLater(reader, cancellation, cursors, to, end, buffers[b ^ 1]);
        }
        Cancellation.checkpoint();
        sink.accept(buffers[b], to - from);
      }
    } finally {
      if (pending != null) {
        try {
          pending.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException ignored) {
          // already failing: the first error is the one to report
        }
      }
      reader.shutdown();
    }
  }

  private Future<?> readLater(
      ExecutorService reader,
      Cancellation cancellation,
      Cursor[] cursors,
      int from,
      int to,
      float[] block) {
    return reader.submit(
        () -> Cancellation.runWith(cancellation, () -> copyRows(cursors, from, to, block)));
  }

  /** Waits for a read; its failure (a damaged file, a cancel) is thrown here as it was. */
  private static void await(Future<?> read) {
    try {
      read.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QueryCancelledException();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error err) throw err;
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * For each layer and row of its file, the index of the row it becomes (-1: dropped): the first
   * layer's kept samples in its order, each kept sample held by every layer.
   */
  private int[][] destinations(LongPredicate keep, BufferAllocator allocator) {
    long[][] ids = new long[layers.size()][];
    for (int l = 0; l < layers.size(); l++) ids[l] = sampleIds(layers.get(l), allocator);
    // Candidates: the first layer's samples the filter keeps, by position in that layer.
    Map<Long, Integer> candidate = new HashMap<>();
    for (int row = 0; row < ids[0].length; row++) {
      long id = ids[0][row];
      if (!keep.test(id)) continue;
      if (candidate.putIfAbsent(id, row) != null) throw twice(layers.get(0), id);
    }
    // How many layers hold each row of the first layer, and where the others hold it.
    int[] holders = new int[ids[0].length];
    int[][] rowOf = new int[layers.size()][];
    for (int l = 0; l < layers.size(); l++) {
      rowOf[l] = new int[ids[l].length];
      for (int row = 0; row < ids[l].length; row++) {
        Integer first = candidate.get(ids[l][row]);
        rowOf[l][row] = first == null ? -1 : first;
        if (first == null) continue;
        if (l > 0 && holders[first] >= l + 1) throw twice(layers.get(l), ids[l][row]);
        if (holders[first] == l) holders[first]++;
      }
    }
    int[] output = new int[ids[0].length];
    int kept = 0;
    for (int row = 0; row < output.length; row++) {
      output[row] = holders[row] == layers.size() ? kept++ : -1;
    }
    int[][] destination = new int[layers.size()][];
    for (int l = 0; l < layers.size(); l++) {
      destination[l] = new int[ids[l].length];
      for (int row = 0; row < ids[l].length; row++) {
        destination[l][row] = rowOf[l][row] < 0 ? -1 : output[rowOf[l][row]];
      }
    }
    return destination;
  }

  private static SqlFunctionException twice(LayerEntry layer, long id) {
    return new SqlFunctionException(
        "layer "
            + layer.qualifiedName()
            + " holds sample_id "
            + id
            + " more than once; run actdb info --check on the store");
  }

  private long[] sampleIds(LayerEntry layer, BufferAllocator allocator) {
    long[] ids = new long[Math.toIntExact(layer.rows())];
    int n = 0;
    try (LayerReader reader = open(layer, allocator, false)) {
      while (next(reader, layer)) {
        Cancellation.checkpoint();
        int rows = reader.batchRows();
        if (n + rows > ids.length) throw rowCount(layer);
        for (int r = 0; r < rows; r++) ids[n++] = reader.sampleId(r);
      }
    }
    if (n != ids.length) throw rowCount(layer);
    return ids;
  }

  private static SqlFunctionException rowCount(LayerEntry layer) {
    return new SqlFunctionException(
        "layer "
            + layer.qualifiedName()
            + ": the file's row count differs from the manifest's "
            + layer.rows()
            + "; run actdb info --check on the store");
  }

  private LayerReader open(LayerEntry layer, BufferAllocator allocator, boolean withVectors) {
    try {
      return withVectors
          ? store.openLayer(layer, allocator)
          : store.openLayerSampleIds(layer, allocator);
    } catch (StoreException e) {
      throw new SqlFunctionException("layer " + layer.qualifiedName() + ": " + e.getMessage());
    }
  }

  private static boolean next(LayerReader reader, LayerEntry layer) {
    try {
      return reader.nextBatch();
    } catch (StoreException e) {
      throw new SqlFunctionException("layer " + layer.qualifiedName() + ": " + e.getMessage());
    }
  }

  /** One layer's reader, walking its file once, row by row, across record batches. */
  private static final class Cursor {
    final LayerReader reader;
    final int[] destination;
    int row; // next row of the file
    int batchStart; // file row of the current batch's row 0
    int batchEnd; // file row past the current batch

    Cursor(LayerReader reader, int[] destination) {
      this.reader = reader;
      this.destination = destination;
    }

    /**
     * Copies the rows that become rows {@code [from, to)} into {@code block} (row {@code i} at
     * {@code (i − from)·width + offset}), reading on until the next row is meant for a later block.
     */
    void copyRows(int from, int to, float[] block, int offset, int width, LayerEntry layer) {
      while (row < destination.length) {
        int d = destination[row];
        if (d >= to) return; // in step: the rest belongs to later blocks
        if (row == batchEnd) {
          if (!next(reader, layer)) throw rowCount(layer);
          batchStart = batchEnd;
          batchEnd += reader.batchRows();
          continue;
        }
        if (d >= from) reader.copyVector(row - batchStart, block, (d - from) * width + offset);
        row++;
      }
    }
  }
}

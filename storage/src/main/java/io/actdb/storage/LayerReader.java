package io.actdb.storage;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads one layer file batch by batch: {@link #nextBatch()}, then {@link #sampleId(int)} and
 * {@link #copyVector(int, float[], int)} for the rows of the batch. Each batch is checked against
 * the checksums the manifest recorded before it is used (it is read twice: once to check, once by
 * Arrow; the second read comes from the page cache). Not thread-safe.
 */
public final class LayerReader implements AutoCloseable {
  private final Path file;
  private final int dim;
  private final BufferAllocator allocator;
  private final FileChannel channel;
  private final ArrowFileReader reader;
  private final List<ArrowBlock> blocks;
  /** What the writer recorded, or null for files written before checksums were. */
  private final FileChecksums checksums;
  private final Schema schema;
  private final BatchChecksums sums = new BatchChecksums();
  private int nextBlock;
  private int rowsInBatch;
  private BigIntVector ids;
  /** The current batch's vectors, row-major. */
  private MemorySegment values;

  private LayerReader(
      Path file, LayerEntry entry, BufferAllocator allocator, FileChannel channel, ArrowFileReader reader)
      throws IOException {
    this.file = file;
    this.dim = entry.dim();
    this.checksums = entry.checksums();
    this.schema = reader.getVectorSchemaRoot().getSchema();
    this.allocator = allocator;
    this.channel = channel;
    this.reader = reader;
    this.blocks = reader.getRecordBlocks();
    if (checksums != null && checksums.batches().size() != blocks.size()) {
      throw new StoreException(
          file + ": " + blocks.size() + " record batches, but " + checksums.batches().size()
              + " were written (damaged since); run `actdb info` on the store");
    }
  }

  static LayerReader open(Path file, LayerEntry entry, BufferAllocator parent) throws StoreException {
    BufferAllocator allocator = parent.newChildAllocator("read " + file.getFileName(), 0, Long.MAX_VALUE);
    FileChannel channel = null;
    ArrowFileReader reader = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
      reader = new ArrowFileReader(channel, allocator);
      String mismatch = StoreSchemas.activationsMismatch(reader.getVectorSchemaRoot().getSchema(), entry.dim());
      if (mismatch != null) throw new StoreException(file + ": " + mismatch);
      return new LayerReader(file, entry, allocator, channel, reader);
    } catch (IOException | RuntimeException e) {
      closeQuietly(reader, channel, allocator);
      if (e instanceof StoreException s) throw s;
      throw new StoreException(file + ": not a readable Arrow file (" + e.getMessage() + ")", e);
    }
  }

  private static void closeQuietly(AutoCloseable... resources) {
    for (AutoCloseable r : resources) {
      if (r == null) continue;
      try {
        r.close();
      } catch (Exception ignored) {
        // already failing; the first error is the one reported
      }
    }
  }

  public int dim() {
    return dim;
  }

  /** Loads the next record batch; false at the end. */
  public boolean nextBatch() throws StoreException {
    if (nextBlock >= blocks.size()) return false;
    int b = nextBlock++;
    String mismatch;
    try {
      // Checked before Arrow loads it: a damaged header must not steer the load.
      mismatch =
          checksums == null
              ? null
              : Store.mismatch(sums.of(channel, blocks.get(b), schema), checksums.batches().get(b), schema);
      if (mismatch == null) reader.loadRecordBatch(blocks.get(b));
    } catch (IOException | RuntimeException e) {
      throw new StoreException(file + ": " + Store.batchName(b, blocks.size()) + " cannot be read (" + e.getMessage() + ")", e);
    }
    if (mismatch != null) {
      throw new StoreException(
          file + ": " + Store.batchName(b, blocks.size()) + ": " + mismatch + "; run `actdb info` on the store");
    }
    VectorSchemaRoot root = root();
    rowsInBatch = root.getRowCount();
    ids = (BigIntVector) root.getVector(0);
    Float4Vector data = (Float4Vector) ((FixedSizeListVector) root.getVector(1)).getDataVector();
    values =
        MemorySegment.ofAddress(data.getDataBuffer().memoryAddress())
            .reinterpret((long) rowsInBatch * dim * Float.BYTES);
    return true;
  }

  private VectorSchemaRoot root() throws StoreException {
    try {
      return reader.getVectorSchemaRoot();
    } catch (IOException e) {
      throw new StoreException(file + ": " + e.getMessage(), e);
    }
  }

  /** Rows in the current batch. */
  public int batchRows() {
    return rowsInBatch;
  }

  public long sampleId(int row) {
    return ids.get(row);
  }

  /** Copies row {@code row}'s vector to {@code out[offset .. offset+dim)}. */
  public void copyVector(int row, float[] out, int offset) {
    MemorySegment.copy(values, ValueLayout.JAVA_FLOAT, (long) row * dim * Float.BYTES, out, offset, dim);
  }

  @Override
  public void close() {
    closeQuietly(reader, channel, allocator);
  }
}

package io.actdb.storage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * Reads one layer file batch by batch: {@link #nextBatch()}, then {@link #sampleId(int)} and {@link
 * #copyVector(int, float[], int)} for the rows of the batch. A {@link BatchReader} below reads each
 * batch once and checks the bytes it read against the checksums the manifest recorded; a reader of
 * sample ids only ({@link Store#openLayerSampleIds}) never reads the vectors. A token layer's rows
 * also have {@link #position(int)} and {@link #token(int)}. Not thread-safe.
 */
public final class LayerReader implements AutoCloseable {
  private final int dim;
  private final BatchReader batches;

  /** What the writer recorded, or null for files written before checksums were. */
  private final FileChecksums checksums;

  private final VectorSchemaRoot root;
  private final boolean withVectors;
  private final boolean tokenRows;
  private int nextBlock;
  private int rowsInBatch;
  private BigIntVector ids;

  /** The current batch's vectors, row-major. */
  private MemorySegment values;

  private LayerReader(BatchReader batches, LayerEntry entry, boolean withVectors) {
    this.batches = batches;
    this.dim = entry.dim();
    this.checksums = entry.checksums();
    this.withVectors = withVectors;
    this.tokenRows = entry.tokenRows();
    this.root =
        !withVectors
            ? batches.project(0)
            : tokenRows ? batches.project(0, 1, 2, 3) : batches.project(0, 1);
  }

  static LayerReader open(Path file, LayerEntry entry, BufferAllocator parent, boolean withVectors)
      throws StoreException {
    BatchReader batches;
    try {
      batches = BatchReader.open(file, parent);
    } catch (StoreException e) {
      String detail =
          e.getMessage().substring(Math.min(e.getMessage().length(), file.toString().length() + 2));
      throw new StoreException(file + ": not a readable Arrow file (" + detail + ")", e);
    }
    try {
      String mismatch = StoreSchemas.layerMismatch(batches.schema(), entry);
      if (mismatch != null) throw batches.error(mismatch);
      batches.checkBatchCount(entry.checksums());
      return new LayerReader(batches, entry, withVectors);
    } catch (StoreException | RuntimeException e) {
      closeQuietly(batches);
      throw e;
    }
  }

  private static void closeQuietly(BatchReader batches) {
    try {
      batches.close();
    } catch (StoreException ignored) {
      // already failing or done; a file that cannot be closed has nothing more to tell
    }
  }

  public int dim() {
    return dim;
  }

  /** Loads the next record batch; false at the end. */
  public boolean nextBatch() throws StoreException {
    if (nextBlock >= batches.blocks().size()) return false;
    int b = nextBlock++;
    rowsInBatch = batches.load(b, checksums == null ? null : checksums.batches().get(b));
    ids = (BigIntVector) root.getVector(0);
    if (withVectors) {
      Float4Vector data =
          (Float4Vector) ((FixedSizeListVector) root.getVector(tokenRows ? 3 : 1)).getDataVector();
      values =
          MemorySegment.ofAddress(data.getDataBuffer().memoryAddress())
              .reinterpret((long) rowsInBatch * dim * Float.BYTES);
    }
    return true;
  }

  /** Rows in the current batch. */
  public int batchRows() {
    return rowsInBatch;
  }

  public long sampleId(int row) {
    return ids.get(row);
  }

  /** Whether the layer has one row per token. */
  public boolean tokenRows() {
    return tokenRows;
  }

  /** The 0-based token position of row {@code row} of a token layer. */
  public int position(int row) {
    return ((IntVector) tokenColumn(1)).get(row);
  }

  /** The token text of row {@code row} of a token layer. */
  public String token(int row) {
    return new String(((VarCharVector) tokenColumn(2)).get(row), StandardCharsets.UTF_8);
  }

  private Object tokenColumn(int index) {
    if (!tokenRows) throw new IllegalStateException("this layer has one row per sample, no tokens");
    if (!withVectors) throw new IllegalStateException("this reader reads sample ids only");
    return root.getVector(index);
  }

  /** Copies row {@code row}'s vector to {@code out[offset .. offset+dim)}. */
  public void copyVector(int row, float[] out, int offset) {
    if (!withVectors) throw new IllegalStateException("this reader reads sample ids only");
    MemorySegment.copy(
        values, ValueLayout.JAVA_FLOAT, (long) row * dim * Float.BYTES, out, offset, dim);
  }

  @Override
  public void close() {
    closeQuietly(batches);
  }
}

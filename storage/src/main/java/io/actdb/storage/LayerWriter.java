package io.actdb.storage;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * Streams one layer's activations into a temporary Arrow file, one record batch at a time, so
 * memory stays bounded by one batch whatever the number of rows. Nothing is visible in the store
 * until {@link #commit()}; {@link #close()} without a commit deletes the temporary file. A sample
 * layer takes rows with {@link #append}, a token layer ({@link LayerSpec#tokenRows()}) with {@link
 * #appendTokens}. Not thread-safe.
 */
public final class LayerWriter implements AutoCloseable {
  /** Batch size target: batches of at most 2048 rows (DuckDB's vector size) and about 8 MiB. */
  static final int MAX_BATCH_ROWS = 2048;

  static final long BATCH_BYTES = 8L << 20;

  private final StoreWriter store;
  private final String model;
  private final String layer;
  private final int dim;
  private final String pooling;
  private final int position;
  private final boolean tokenRows;
  private final String tokenizer;
  private final Path temp;
  private final String relativeFile;
  private final BufferAllocator allocator;
  private final ChecksummedArrowFile file;
  private final VectorSchemaRoot root;
  private final BigIntVector ids;

  /** Token layers only (else null): each row's token position and token text. */
  private final IntVector positions;

  private final VarCharVector tokens;
  private final FixedSizeListVector vectors;
  private final Float4Vector values;

  /** The values buffer, allocated once for a whole batch and reused by every batch. */
  private final MemorySegment valuesData;

  private final int batchRows;
  private int filled;
  private long rows;
  private boolean finished;
  private LayerEntry entry;

  LayerWriter(
      StoreWriter store,
      LayerSpec spec,
      int position,
      Path temp,
      String relativeFile,
      BufferAllocator parent)
      throws IOException {
    this.store = store;
    this.model = spec.model();
    this.layer = spec.layer();
    this.dim = spec.dim();
    this.pooling = spec.pooling();
    this.position = position;
    this.tokenRows = spec.tokenRows();
    this.tokenizer = spec.tokenizer();
    this.temp = temp;
    this.relativeFile = relativeFile;
    this.batchRows = (int) Math.max(1, Math.min(MAX_BATCH_ROWS, BATCH_BYTES / (4L * dim)));
    Files.createDirectories(temp.getParent());
    this.allocator = parent.newChildAllocator("layer " + model + "/" + layer, 0, Long.MAX_VALUE);
    VectorSchemaRoot createdRoot = null;
    ChecksummedArrowFile createdFile = null;
    try {
      createdRoot =
          VectorSchemaRoot.create(
              tokenRows ? StoreSchemas.tokenActivations(dim) : StoreSchemas.activations(dim),
              allocator);
      this.ids = (BigIntVector) createdRoot.getVector(0);
      this.positions = tokenRows ? (IntVector) createdRoot.getVector(1) : null;
      this.tokens = tokenRows ? (VarCharVector) createdRoot.getVector(2) : null;
      this.vectors = (FixedSizeListVector) createdRoot.getVector(tokenRows ? 3 : 1);
      this.values = (Float4Vector) vectors.getDataVector();
      ids.allocateNew(batchRows);
      if (tokenRows) {
        positions.allocateNew(batchRows);
        tokens.allocateNew(batchRows);
      }
      vectors.setInitialCapacity(batchRows);
      vectors.allocateNew();
      // Every row and every element is valid: set the validity bitmaps once.
      fillValidity(vectors, batchRows);
      fillValidity(values, (long) batchRows * dim);
      this.valuesData =
          MemorySegment.ofAddress(values.getDataBuffer().memoryAddress())
              .reinterpret((long) batchRows * dim * Float.BYTES);
      createdFile = new ChecksummedArrowFile(temp, createdRoot);
    } catch (IOException | RuntimeException e) {
      if (createdRoot != null) createdRoot.close();
      allocator.close();
      Files.deleteIfExists(temp);
      throw e;
    }
    this.file = createdFile;
    this.root = createdRoot;
  }

  private static void fillValidity(FieldVector v, long count) {
    var validity = v.getValidityBuffer();
    long bytes = (count + 7) / 8;
    if (validity.capacity() < bytes) throw new IllegalStateException("validity buffer too small");
    validity.setOne(0, bytes);
  }

  /** The vector length this writer expects. */
  public String model() {
    return model;
  }

  public String layer() {
    return layer;
  }

  String relativeFile() {
    return relativeFile;
  }

  public int dim() {
    return dim;
  }

  /** The layer's forward position within its model. */
  public int position() {
    return position;
  }

  /** Rows appended so far. */
  public long rows() {
    return rows;
  }

  /** Whether this layer takes one row per token ({@link #appendTokens}). */
  public boolean tokenRows() {
    return tokenRows;
  }

  /**
   * Appends one row: {@code dim} floats of {@code vector} starting at {@code offset}.
   *
   * @throws IllegalStateException on a token layer (use {@link #appendTokens})
   */
  public void append(long sampleId, float[] vector, int offset) throws IOException {
    if (tokenRows) {
      throw new IllegalStateException(
          "layer " + model + "/" + layer + " has one row per token; use appendTokens");
    }
    appendRow(sampleId, vector, offset);
  }

  private void appendRow(long sampleId, float[] vector, int offset) throws IOException {
    if (finished) throw new IllegalStateException("layer " + model + "/" + layer + " is closed");
    if (offset < 0 || vector.length - offset < dim) {
      throw new IllegalArgumentException(
          "layer "
              + model
              + "/"
              + layer
              + " has dim "
              + dim
              + " but got a vector of "
              + (vector.length - offset)
              + " floats");
    }
    ids.set(filled, sampleId);
    MemorySegment.copy(
        vector, offset, valuesData, ValueLayout.JAVA_FLOAT, (long) filled * dim * Float.BYTES, dim);
    filled++;
    rows++;
    if (filled == batchRows) flush();
  }

  /**
   * Appends {@code count} rows: ids {@code sampleIds[0..count)}, vectors row-major in {@code
   * rowsData}.
   */
  public void append(long[] sampleIds, float[] rowsData, int count) throws IOException {
    if ((long) count * dim > rowsData.length || count > sampleIds.length) {
      throw new IllegalArgumentException(
          "layer "
              + model
              + "/"
              + layer
              + ": "
              + count
              + " rows of dim "
              + dim
              + " need "
              + (long) count * dim
              + " floats, got "
              + rowsData.length);
    }
    for (int r = 0; r < count; r++) append(sampleIds[r], rowsData, r * dim);
  }

  /**
   * Appends {@code count} token rows of a token layer: row {@code r} is token {@code tokens[r]} at
   * 0-based position {@code positions[r]} of sample {@code sampleIds[r]}, its vector the floats
   * {@code rows[r*dim .. (r+1)*dim)}.
   *
   * @throws IllegalStateException on a sample layer (use {@link #append})
   */
  public void appendTokens(
      long[] sampleIds, int[] positions, String[] tokens, float[] rows, int count)
      throws IOException {
    if (!tokenRows) {
      throw new IllegalStateException(
          "layer " + model + "/" + layer + " has one row per sample; use append");
    }
    if (finished) throw new IllegalStateException("layer " + model + "/" + layer + " is closed");
    if (count < 0
        || count > sampleIds.length
        || count > positions.length
        || count > tokens.length
        || (long) count * dim > rows.length) {
      throw new IllegalArgumentException(
          "layer "
              + model
              + "/"
              + layer
              + ": "
              + count
              + " token rows of dim "
              + dim
              + " need "
              + count
              + " ids, positions and tokens and "
              + (long) count * dim
              + " floats; got "
              + sampleIds.length
              + ", "
              + positions.length
              + ", "
              + tokens.length
              + " and "
              + rows.length);
    }
    for (int r = 0; r < count; r++) {
      if (positions[r] < 0 || tokens[r] == null) {
        throw new IllegalArgumentException(
            "layer "
                + model
                + "/"
                + layer
                + ": token row "
                + r
                + " of sample "
                + sampleIds[r]
                + " has "
                + (tokens[r] == null ? "no token text" : "negative position " + positions[r]));
      }
    }
    for (int r = 0; r < count; r++) {
      this.positions.set(filled, positions[r]);
      this.tokens.setSafe(filled, tokens[r].getBytes(StandardCharsets.UTF_8));
      appendRow(sampleIds[r], rows, r * dim);
    }
  }

  private void flush() throws IOException {
    if (filled == 0) return;
    ids.setValueCount(filled);
    if (tokenRows) {
      positions.setValueCount(filled);
      tokens.setValueCount(filled);
    }
    vectors.setValueCount(filled);
    values.setValueCount(filled * dim);
    root.setRowCount(filled);
    file.writeBatch();
    // Token texts vary in length: the next batch starts from empty offsets, not the old ones.
    if (tokenRows) tokens.reset();
    filled = 0;
  }

  /**
   * Finishes the file, makes it durable and publishes it: from now on the store shows this layer
   * (replacing an earlier version of it).
   *
   * @return the manifest entry published
   */
  public LayerEntry commit() throws IOException {
    store.publish(List.of(), List.of(this));
    return entry;
  }

  /**
   * Writes the footer and syncs the temporary file, which is then ready to be renamed into place;
   * the store publishes it.
   */
  LayerEntry finish() throws IOException {
    if (finished) throw new IllegalStateException("layer " + model + "/" + layer + " is closed");
    try {
      flush();
      FileChecksums checksums = file.finish();
      entry =
          new LayerEntry(
              model,
              layer,
              dim,
              "float32",
              pooling,
              rows,
              relativeFile,
              file.size(),
              checksums,
              position,
              tokenRows ? LayerEntry.TOKEN : LayerEntry.SAMPLE,
              tokenizer);
    } finally {
      release();
    }
    return entry;
  }

  /** The temporary file, complete once {@link #finish()} returned. */
  Path temp() {
    return temp;
  }

  /** Abandons the layer unless committed: the store stays as it was. */
  @Override
  public void close() throws IOException {
    if (finished && entry != null) return;
    try {
      if (!finished) release();
    } finally {
      Files.deleteIfExists(temp);
      store.layerAbandoned(this);
    }
  }

  private void release() throws IOException {
    finished = true;
    try {
      file.close();
    } finally {
      try {
        root.close();
      } finally {
        allocator.close();
      }
    }
  }
}

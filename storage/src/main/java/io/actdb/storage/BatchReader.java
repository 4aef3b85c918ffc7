package io.actdb.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Supplier;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.InvalidArrowFileException;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The one reader of Arrow IPC files (the random-access "file" format): store layers, the samples
 * file, and any Arrow file a query or an import names. It reads the footer when opened, then loads
 * record batches one at a time, any of them in any order, reading only the columns of {@link
 * #project} (so {@code SELECT sample_id} does not read the vectors), each batch checked against the
 * checksums its writer recorded when the caller passes them. Every error is a {@link
 * StoreException} that names the file and, for a batch, which one.
 *
 * <p>The reader works on its own child of the caller's allocator; closing it closes the file, the
 * loaded batch and that allocator (which fails loudly if a buffer leaked). One thread at a time:
 * parallel scans open one reader per thread.
 */
public final class BatchReader implements AutoCloseable {
  private final Path path;
  private final String label;
  private final FileChannel channel;
  private final BufferAllocator allocator;
  private final ArrowFileReader arrow;
  private ProjectedBatchLoader projection;
  private List<ArrowBlock> blocks;
  private Schema schema;
  private boolean closed;

  private BatchReader(Path path, String label, FileChannel channel, BufferAllocator allocator) {
    this.path = path;
    this.label = label;
    this.channel = channel;
    this.allocator = allocator;
    // Arrow's reader parses the footer; batches load through ProjectedBatchLoader, which reads
    // only the projected columns and gives every buffer an owner on every path (Arrow's own
    // loader leaks its read buffer when a batch's metadata is damaged).
    this.arrow = new ArrowFileReader(channel, allocator);
  }

  /**
   * Opens {@code path} and reads its footer (schema and record batch blocks).
   *
   * @param label how errors name what is read, e.g. {@code "layer resnet18/fc"}; errors show it
   *     with the path unless it is the path itself
   * @param whyMissing explains a missing file (null: "no such file")
   * @param parent the allocator whose child holds this reader's buffers
   * @throws StoreException naming the file and the problem
   */
  public static BatchReader open(
      Path path, String label, Supplier<String> whyMissing, BufferAllocator parent)
      throws StoreException {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw error(path, label, whyMissing == null ? "no such file" : whyMissing.get());
    } catch (AccessDeniedException e) {
      throw error(path, label, "permission denied");
    } catch (IOException | RuntimeException e) {
      throw error(path, label, "cannot open the file: " + e.getMessage());
    }
    BatchReader reader;
    try {
      reader =
          new BatchReader(
              path, label, channel, parent.newChildAllocator("read " + label, 0, Long.MAX_VALUE));
    } catch (RuntimeException e) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // already failing; the first error is the one reported
      }
      throw error(path, label, "cannot open the file: " + e.getMessage());
    }
    try {
      reader.readFooter();
      return reader;
    } catch (StoreException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** {@link #open(Path, String, Supplier, BufferAllocator)} naming the file by its path. */
  public static BatchReader open(Path path, BufferAllocator parent) throws StoreException {
    return open(path, path.toString(), null, parent);
  }

  private static StoreException error(Path path, String label, String problem) {
    String where = label.equals(path.toString()) ? path.toString() : label + " (" + path + ")";
    return new StoreException(where + ": " + problem);
  }

  /** A failure as users read it: what is read, which file, what went wrong. */
  public StoreException error(String problem) {
    return error(path, label, problem);
  }

  private void readFooter() throws StoreException {
    long size;
    try {
      blocks = arrow.getRecordBlocks();
      schema = arrow.getVectorSchemaRoot().getSchema();
      size = channel.size();
    } catch (InvalidArrowFileException e) {
      String why =
          e.getMessage() != null && e.getMessage().startsWith("missing Magic number")
              ? "it does not end with the ARROW1 magic"
              : e.getMessage();
      throw error("not an Arrow IPC file, or truncated: no valid footer (" + why + ")");
    } catch (IOException e) {
      throw error("cannot read the file: " + e.getMessage());
    } catch (RuntimeException e) {
      throw error("unreadable Arrow file footer, damaged or truncated? (" + e + ")");
    }
    for (int b = 0; b < blocks.size(); b++) {
      ArrowBlock block = blocks.get(b);
      if (block.getOffset() < 0
          || block.getMetadataLength() < 8
          || block.getBodyLength() < 0
          || block.getOffset() + block.getMetadataLength() + block.getBodyLength() > size) {
        throw error(
            "the footer lists "
                + batchName(b)
                + " beyond the end of the file (damaged or truncated?)");
      }
    }
  }

  public Path path() {
    return path;
  }

  /** The open file, for the store's check of every byte against its checksums. */
  FileChannel channel() {
    return channel;
  }

  public Schema schema() {
    return schema;
  }

  /** The record batches listed in the footer, in file order. */
  public List<ArrowBlock> blocks() {
    return blocks;
  }

  /**
   * The columns {@link #load} fills: file fields {@code fields} (indexes into {@link #schema()}),
   * in that order. Its vectors hold the last loaded batch until the next load; closed with this
   * reader. One projection per reader.
   */
  public VectorSchemaRoot project(int... fields) {
    if (projection != null) throw new IllegalStateException("one projection per reader");
    projection = new ProjectedBatchLoader(channel, allocator, schema, fields);
    return projection.root();
  }

  /**
   * Loads record batch {@code b} into the projection, checking the bytes it reads (its header and
   * the projected columns) against {@code expected} unless that is null.
   *
   * @return its row count
   * @throws StoreException naming the batch and the problem
   */
  public int load(int b, BatchChecksum expected) throws StoreException {
    if (projection == null) throw new IllegalStateException("project(...) before load(...)");
    try {
      return projection.load(blocks.get(b), expected);
    } catch (ProjectedBatchLoader.ChecksumMismatch e) {
      throw error(
          batchName(b)
              + ": "
              + e.getMessage()
              + " (the file was damaged after it was written; check the store with `actdb info`)");
    } catch (IOException | RuntimeException e) {
      throw error(batchName(b) + " failed to load (" + e + ")");
    }
  }

  /**
   * Fails unless {@code checksums} (null: none recorded) lists as many record batches as the footer
   * does.
   */
  public void checkBatchCount(FileChecksums checksums) throws StoreException {
    if (checksums != null && checksums.batches().size() != blocks.size()) {
      throw error(
          "the file lists "
              + blocks.size()
              + " record batches, but "
              + checksums.batches().size()
              + " were written (damaged since; check the store with `actdb info`)");
    }
  }

  /** Sum of the record batches' lengths, from their message headers (bodies are not read). */
  public long rowCount() throws StoreException {
    long total = 0;
    for (int b = 0; b < blocks.size(); b++) {
      try {
        // ArrowFileReader seeks before each batch it loads, so moving the channel is harmless.
        channel.position(blocks.get(b).getOffset());
        MessageMetadataResult message = MessageSerializer.readMessage(new ReadChannel(channel));
        if (message == null || message.headerType() != MessageHeader.RecordBatch) {
          throw error(batchName(b) + " has no record batch header");
        }
        total += ((RecordBatch) message.getMessage().header(new RecordBatch())).length();
      } catch (StoreException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw error(batchName(b) + ": unreadable header (" + e + ")");
      }
    }
    return total;
  }

  /** How messages name batch {@code b}. */
  public String batchName(int b) {
    return Store.batchName(b, blocks.size());
  }

  /**
   * Closes the file, the loaded batch and this reader's allocator.
   *
   * @throws IllegalStateException if a buffer of this reader leaked (a bug, not a file problem)
   */
  @Override
  public void close() throws StoreException {
    if (closed) return;
    closed = true;
    try {
      if (projection != null) projection.close();
      arrow.close(); // closes the channel
    } catch (IOException | RuntimeException e) {
      throw error("cannot close the file: " + e.getMessage());
    } finally {
      try {
        channel.close();
      } catch (IOException ignored) {
        // already closed by the reader
      }
      allocator.close(); // fails loudly if a buffer leaked
    }
  }
}

package io.actdb.sql.store;

import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.storage.BatchChecksum;
import io.actdb.storage.FileChecksums;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.InvalidArrowFileException;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An Arrow IPC file as the store scans see it: where it is, how errors name it, and readers over
 * it. Every reader and every byte of Arrow memory is counted, for leak checks.
 */
record ArrowFile(Path path, String label, FileChecksums checksums, Supplier<String> whyMissing) {
  /** A file without recorded checksums, e.g. one given to {@code read_arrow_file}. */
  ArrowFile(Path path, String label) {
    this(path, label, null, null);
  }

  /** The checksums to compare batches with, or null when there are none or checks are off. */
  FileChecksums checksumsToVerify() {
    return checksums != null && !"false".equals(System.getProperty(ArrowFileScan.VERIFY_PROPERTY)) ? checksums : null;
  }

  private static final RootAllocator ROOT = new RootAllocator();
  private static final AtomicInteger OPEN_READERS = new AtomicInteger();

  static int openReaders() {
    return OPEN_READERS.get();
  }

  static long allocatedBytes() {
    return ROOT.getAllocatedMemory();
  }

  /** A failure as users read it: what is scanned, which file, what went wrong. */
  SqlFunctionException error(String problem) {
    String where = label.equals(path.toString()) ? path.toString() : label + " (" + path + ")";
    return new SqlFunctionException(where + ": " + problem);
  }

  /**
   * Opens the file on a new child allocator and reads its footer (schema and record batch
   * blocks). Closing the reader closes the channel, the loaded batch and the allocator.
   *
   * @throws SqlFunctionException naming the file and the problem
   */
  Reader open(String purpose) {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw error(whyMissing == null ? "no such file" : whyMissing.get());
    } catch (AccessDeniedException e) {
      throw error("permission denied");
    } catch (IOException | RuntimeException e) {
      throw error("cannot open the file: " + e.getMessage());
    }
    BufferAllocator allocator = ROOT.newChildAllocator(purpose + " " + label, 0, Long.MAX_VALUE);
    OPEN_READERS.incrementAndGet();
    Reader reader = new Reader(channel, allocator, new ArrowFileReader(channel, allocator));
    try {
      reader.readFooter();
      return reader;
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /**
   * An open file whose footer was read, with its own child allocator. One thread at a time.
   *
   * <p>{@link ArrowFileReader} reads the footer; record batches load through a {@link
   * ProjectedBatchLoader} instead, which reads only the projected columns, and gives every buffer
   * an owner on every path (Arrow's own loader leaks its read buffer when a batch's metadata is
   * damaged).
   */
  final class Reader implements AutoCloseable {
    private final FileChannel channel;
    private final BufferAllocator allocator;
    private final ArrowFileReader arrow;
    private ProjectedBatchLoader projection;
    private List<ArrowBlock> blocks;
    private Schema schema;
    private boolean closed;

    private Reader(FileChannel channel, BufferAllocator allocator, ArrowFileReader arrow) {
      this.channel = channel;
      this.allocator = allocator;
      this.arrow = arrow;
    }

    private void readFooter() {
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
                  + batch(b)
                  + " beyond the end of the file (damaged or truncated?)");
        }
      }
    }

    /**
     * A loader of file fields {@code fields} (indexes into {@link #schema()}), closed with this
     * reader.
     */
    ProjectedBatchLoader projection(int[] fields) {
      if (projection != null) throw new IllegalStateException("one projection per reader");
      projection = new ProjectedBatchLoader(channel, allocator, schema, fields);
      return projection;
    }

    /**
     * Loads record batch {@code b} through {@link #projection}, checking the bytes it reads
     * against {@code expected} unless that is null.
     *
     * @return its row count
     * @throws SqlFunctionException naming the batch and the problem
     */
    int load(int b, BatchChecksum expected) {
      try {
        return projection.load(blocks.get(b), expected);
      } catch (ProjectedBatchLoader.ChecksumMismatch e) {
        throw error(batch(b) + ": " + e.getMessage() + " (the file was damaged after it was written; check the store with `actdb info`)");
      } catch (IOException | RuntimeException e) {
        throw error(batch(b) + " failed to load (" + e + ")");
      }
    }

    Schema schema() {
      return schema;
    }

    /** The record batches listed in the footer, in file order. */
    List<ArrowBlock> blocks() {
      return blocks;
    }

    /** Sum of the record batches' lengths, from their message headers (bodies are not read). */
    long rowCount() {
      long total = 0;
      for (int b = 0; b < blocks.size(); b++) {
        try {
          // ArrowFileReader seeks before each batch it loads, so moving the channel is harmless.
          channel.position(blocks.get(b).getOffset());
          MessageMetadataResult message = MessageSerializer.readMessage(new ReadChannel(channel));
          if (message == null || message.headerType() != MessageHeader.RecordBatch) {
            throw error(batch(b) + " has no record batch header");
          }
          total += ((RecordBatch) message.getMessage().header(new RecordBatch())).length();
        } catch (IOException | RuntimeException e) {
          if (e instanceof SqlFunctionException s) throw s;
          throw error(batch(b) + ": unreadable header (" + e + ")");
        }
      }
      return total;
    }

    /** How messages name batch {@code b}. */
    String batch(int b) {
      return "record batch " + b + " of " + blocks.size();
    }

    @Override
    public void close() {
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
        OPEN_READERS.decrementAndGet();
        allocator.close(); // fails loudly if a buffer leaked
      }
    }
  }
}

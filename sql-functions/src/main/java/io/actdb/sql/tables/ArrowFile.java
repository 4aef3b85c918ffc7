package io.actdb.sql.tables;

import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.storage.BatchReader;
import io.actdb.storage.FileChecksums;
import io.actdb.storage.StoreException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.arrow.memory.RootAllocator;

/**
 * An Arrow IPC file as the table functions see it: where it is, how errors name it, and the storage
 * {@link BatchReader}s over it, whose errors become SQL errors. Every reader and every byte of
 * Arrow memory is counted, for leak checks.
 */
record ArrowFile(Path path, String label, FileChecksums checksums, Supplier<String> whyMissing) {
  /** A file without recorded checksums, e.g. one given to {@code read_arrow_file}. */
  ArrowFile(Path path, String label) {
    this(path, label, null, null);
  }

  /** The checksums to compare batches with, or null when there are none or checks are off. */
  FileChecksums checksumsToVerify() {
    return checksums != null && !"false".equals(System.getProperty(ArrowFileScan.VERIFY_PROPERTY))
        ? checksums
        : null;
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
   * Opens the file and reads its footer.
   *
   * @throws SqlFunctionException naming the file and the problem
   */
  Reader open() {
    try {
      Reader reader = new Reader(BatchReader.open(path, label, whyMissing, ROOT));
      OPEN_READERS.incrementAndGet();
      return reader;
    } catch (StoreException e) {
      throw new SqlFunctionException(e.getMessage());
    }
  }

  /** A {@link BatchReader} whose errors are SQL errors. One thread at a time. */
  static final class Reader implements AutoCloseable {
    final BatchReader batches;
    private boolean closed;

    private Reader(BatchReader batches) {
      this.batches = batches;
    }

    /**
     * Loads record batch {@code b} into the projection, checked against {@code checksums} unless
     * that is null.
     *
     * @return its row count
     * @throws SqlFunctionException naming the batch and the problem
     */
    int load(int b, FileChecksums checksums) {
      try {
        return batches.load(b, checksums == null ? null : checksums.batches().get(b));
      } catch (StoreException e) {
        throw new SqlFunctionException(e.getMessage());
      }
    }

    /** Sum of the record batches' lengths. */
    long rowCount() {
      try {
        return batches.rowCount();
      } catch (StoreException e) {
        throw new SqlFunctionException(e.getMessage());
      }
    }

    @Override
    public void close() {
      if (closed) return;
      closed = true;
      try {
        batches.close();
      } catch (StoreException e) {
        throw new SqlFunctionException(e.getMessage());
      } finally {
        OPEN_READERS.decrementAndGet();
      }
    }
  }
}

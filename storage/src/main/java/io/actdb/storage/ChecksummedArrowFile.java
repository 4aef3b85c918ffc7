package io.actdb.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

/**
 * An Arrow IPC file being written whose checksums are computed on the way: the whole-file CRC32C
 * from every byte handed to the file, and each record batch's {@link BatchChecksum} from the batch
 * as it landed (read back from the page cache right after it was written).
 */
final class ChecksummedArrowFile implements AutoCloseable {
  private final FileChannel channel;
  private final CRC32C fileCrc = new CRC32C();
  private final ArrowFileWriter writer;
  private final VectorSchemaRoot root;
  private final BatchChecksums checksums = new BatchChecksums();
  private final List<BatchChecksum> batches = new ArrayList<>();

  ChecksummedArrowFile(Path file, VectorSchemaRoot root) throws IOException {
    this.root = root;
    this.channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    WritableByteChannel summing =
        new WritableByteChannel() {
          @Override
          public int write(ByteBuffer src) throws IOException {
            ByteBuffer written = src.duplicate();
            int n = channel.write(src);
            fileCrc.update(written.limit(written.position() + n));
            return n;
          }

          @Override
          public boolean isOpen() {
            return channel.isOpen();
          }

          @Override
          public void close() throws IOException {
            channel.close();
          }
        };
    try {
      this.writer = new ArrowFileWriter(root, null, summing);
      writer.start();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Writes the root's current rows as one record batch. */
  void writeBatch() throws IOException {
    writer.writeBatch();
    batches.add(checksums.of(channel, writer.getRecordBlocks().getLast(), root.getSchema()));
  }

  /** Writes the footer and syncs the file; returns its checksums. */
  FileChecksums finish() throws IOException {
    writer.end();
    channel.force(true);
    return new FileChecksums(fileCrc.getValue(), batches);
  }

  long size() throws IOException {
    return channel.size();
  }

  @Override
  public void close() throws IOException {
    try {
      writer.close();
    } finally {
      channel.close();
    }
  }
}

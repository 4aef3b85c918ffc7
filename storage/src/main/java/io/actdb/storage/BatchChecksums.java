package io.actdb.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;

/**
 * Computes the {@link BatchChecksum}s and whole-file CRC32C of store files by reading them, with
 * one reusable direct buffer ({@link CRC32C} is a CPU intrinsic over direct buffers). Not
 * thread-safe.
 */
final class BatchChecksums {
  private final ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);

  /** CRC32C of {@code length} bytes of {@code channel} from {@code from}. */
  long crc(FileChannel channel, long from, long length) throws IOException {
    CRC32C crc = new CRC32C();
    update(crc, channel, from, length);
    return crc.getValue();
  }

  /** Reads record batch {@code block} of a file with {@code schema} and checksums it. */
  BatchChecksum of(FileChannel channel, ArrowBlock block, Schema schema) throws IOException {
    if (block.getMetadataLength() <= 0 || block.getMetadataLength() > (64 << 20)) {
      throw new IOException("its header length " + block.getMetadataLength() + " is not plausible");
    }
    byte[] header = new byte[block.getMetadataLength()];
    readFully(channel, ByteBuffer.wrap(header), block.getOffset());
    CRC32C crc = new CRC32C();
    crc.update(header);
    RecordBatch batch = recordBatch(header);
    long[] sums = new long[1 + schema.getFields().size()];
    sums[0] = crc.getValue();
    long[][] spans = columnSpans(batch, schema.getFields(), block.getBodyLength());
    long body = block.getOffset() + block.getMetadataLength();
    for (int f = 0; f < spans.length; f++) {
      sums[1 + f] = crc(channel, body + spans[f][0], spans[f][1] - spans[f][0]);
    }
    return new BatchChecksum(batch.length(), sums);
  }

  /** The record batch header in {@code header} (a message's {@code metadataLength} bytes). */
  static RecordBatch recordBatch(byte[] header) throws IOException {
    MessageMetadataResult message =
        MessageSerializer.readMessage(
            new ReadChannel(new ByteArrayReadableSeekableByteChannel(header)));
    if (message == null || message.headerType() != MessageHeader.RecordBatch) {
      throw new IOException("no record batch header");
    }
    return (RecordBatch) message.getMessage().header(new RecordBatch());
  }

  /**
   * For each top-level field, {start, end} of its bytes in the batch body: from its first non-empty
   * buffer to the end of its last ({0, 0} when all are empty).
   */
  static long[][] columnSpans(RecordBatch batch, List<Field> fields, long bodyLength)
      throws IOException {
    long[][] spans = new long[fields.size()][];
    int next = 0;
    for (int f = 0; f < fields.size(); f++) {
      int count = bufferCount(fields.get(f));
      if (next + count > batch.buffersLength()) {
        throw new IOException("the batch has fewer buffers than its schema needs");
      }
      long start = Long.MAX_VALUE;
      long end = 0;
      for (int j = next; j < next + count; j++) {
        Buffer b = batch.buffers(j);
        if (b.offset() < 0 || b.length() < 0 || b.offset() + b.length() > bodyLength) {
          throw new IOException("buffer " + j + " lies outside the batch body");
        }
        if (b.length() == 0) continue;
        start = Math.min(start, b.offset());
        end = Math.max(end, b.offset() + b.length());
      }
      spans[f] = start == Long.MAX_VALUE ? new long[] {0, 0} : new long[] {start, end};
      next += count;
    }
    if (next != batch.buffersLength())
      throw new IOException("the batch has more buffers than its schema needs");
    return spans;
  }

  private static int bufferCount(Field field) throws IOException {
    ArrowType type = field.getType();
    if (field.getDictionary() != null
        || type instanceof ArrowType.Utf8View
        || type instanceof ArrowType.BinaryView) {
      throw new IOException("column " + field.getName() + " has a type store files do not use");
    }
    int count = TypeLayout.getTypeBufferCount(type);
    for (Field child : field.getChildren()) count += bufferCount(child);
    return count;
  }

  private void update(CRC32C crc, FileChannel channel, long from, long length) throws IOException {
    long done = 0;
    while (done < length) {
      chunk.clear().limit((int) Math.min(chunk.capacity(), length - done));
      readFully(channel, chunk, from + done);
      chunk.flip();
      crc.update(chunk);
      done += chunk.limit();
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer target, long position)
      throws IOException {
    long at = position;
    while (target.hasRemaining()) {
      int n = channel.read(target, at);
      if (n < 0) throw new EOFException("the file ends before byte " + (position + target.limit()));
      at += n;
    }
  }
}

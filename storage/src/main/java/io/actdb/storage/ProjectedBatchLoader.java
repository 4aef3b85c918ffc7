package io.actdb.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;

/**
 * Loads some top-level columns of a file's record batches into a root of just those columns,
 * reading only their buffers' bytes: {@code SELECT sample_id} does not read the vectors. Reads go
 * into one buffer reused from batch to batch (fresh multi-megabyte allocations cost a page fault
 * per page); the loaded vectors hold slices of it until the next load.
 */
final class ProjectedBatchLoader implements AutoCloseable {
  private final FileChannel channel;
  private final BufferAllocator allocator;
  private final List<Field> fileFields;
  private final int[] fields;
  private final VectorSchemaRoot root;
  private final VectorLoader loader;
  private ArrowBuf scratch;
  private final CRC32C crc = new CRC32C();

  /** Larger headers are damage, not data: a batch of a few columns has a header of a few KiB. */
  private static final int MAX_HEADER_BYTES = 64 << 20;

  /** Bytes that differ from those the writer recorded checksums of. */
  static final class ChecksumMismatch extends IOException {
    private static final long serialVersionUID = 1L;

    ChecksumMismatch(String message) {
      super(message);
    }
  }

  /**
   * Loads file fields {@code fields} (indexes into {@code schema}) into {@link #root()}, in that
   * order.
   */
  ProjectedBatchLoader(
      FileChannel channel, BufferAllocator allocator, Schema schema, int[] fields) {
    this.channel = channel;
    this.allocator = allocator;
    this.fileFields = schema.getFields();
    this.fields = fields.clone();
    List<Field> projected = new ArrayList<>();
    for (int f : fields) projected.add(fileFields.get(f));
    this.root = VectorSchemaRoot.create(new Schema(projected), allocator);
    this.loader = new VectorLoader(root);
  }

  /** The projected columns of the last loaded batch. */
  VectorSchemaRoot root() {
    return root;
  }

  /**
   * Loads one record batch, checking the header and every column it reads against {@code expected}
   * (the writer's checksums) unless that is null. A column's checksum covers its span, from its
   * first non-empty buffer to the end of its last, as the store's writer computes it.
   *
   * @return its row count
   * @throws ChecksumMismatch if the bytes read are not those written
   * @throws IOException if the batch is damaged or does not match the schema
   */
  int load(ArrowBlock block, BatchChecksum expected) throws IOException {
    if (block.getMetadataLength() > MAX_HEADER_BYTES) {
      throw new IOException("its header claims " + block.getMetadataLength() + " bytes");
    }
    // The header is read whole first, so that its checksum covers exactly the bytes parsed.
    byte[] header = new byte[block.getMetadataLength()];
    ByteBuffer headerBuffer = ByteBuffer.wrap(header);
    while (headerBuffer.hasRemaining()) {
      if (channel.read(headerBuffer, block.getOffset() + headerBuffer.position()) < 0) {
        throw new EOFException("the file ends inside a record batch header");
      }
    }
    if (expected != null) {
      if (expected.columns() != fileFields.size()) {
        throw new ChecksumMismatch(
            "the manifest recorded checksums of "
                + expected.columns()
                + " columns, the file has "
                + fileFields.size());
      }
      crc.reset();
      crc.update(header);
      if (crc.getValue() != expected.header())
        throw new ChecksumMismatch("checksum mismatch in its header");
    }
    MessageMetadataResult message =
        MessageSerializer.readMessage(
            new ReadChannel(new ByteArrayReadableSeekableByteChannel(header)));
    if (message == null || message.headerType() != MessageHeader.RecordBatch) {
      throw new IOException("no record batch header at offset " + block.getOffset());
    }
    RecordBatch batch = (RecordBatch) message.getMessage().header(new RecordBatch());
    if (expected != null && batch.length() != expected.rows()) {
      throw new ChecksumMismatch(
          batch.length() + " rows, but " + expected.rows() + " were written");
    }
    if (batch.compression() != null) {
      throw new IOException("compressed record batches are not supported");
    }
    int rows = Math.toIntExact(batch.length());
    int[][] ranges = layout(batch); // per file field: first node, nodes, first buffer, buffers
    long bodyStart = block.getOffset() + block.getMetadataLength();
    long bodyLength = block.getBodyLength();

    // The bytes of each projected column: from its first buffer to the end of its last.
    long[] spanStart = new long[fields.length];
    long[] spanEnd = new long[fields.length];
    long total = 0;
    for (int p = 0; p < fields.length; p++) {
      int[] r = ranges[fields[p]];
      long start = Long.MAX_VALUE;
      long end = 0;
      for (int j = r[2]; j < r[2] + r[3]; j++) {
        Buffer b = batch.buffers(j);
        if (b.offset() < 0 || b.length() < 0 || b.offset() + b.length() > bodyLength) {
          throw new IOException("buffer " + j + " lies outside the batch body");
        }
        if (b.length() == 0) continue;
        start = Math.min(start, b.offset());
        end = Math.max(end, b.offset() + b.length());
      }
      if (start == Long.MAX_VALUE) start = end = 0;
      spanStart[p] = start;
      spanEnd[p] = end;
      total = align8(total) + (end - start);
    }
    if (scratch == null || scratch.capacity() < total) {
      if (scratch != null) scratch.close(); // loaded vectors may still hold slices of it
      scratch = allocator.buffer(Math.max(total, 8));
    }
    List<ArrowFieldNode> nodes = new ArrayList<>();
    List<ArrowBuf> buffers = new ArrayList<>();
    long at = 0;
    for (int p = 0; p < fields.length; p++) {
      at = align8(at);
      readFully(at, bodyStart + spanStart[p], spanEnd[p] - spanStart[p]);
      if (expected != null) {
        // One pass over the whole span after one read: measured faster than reading and
        // checksumming cache-sized chunks, whose extra system calls cost more than the cache saves.
        crc.reset();
        crc.update(scratch.nioBuffer(at, Math.toIntExact(spanEnd[p] - spanStart[p])));
        if (crc.getValue() != expected.column(fields[p])) {
          throw new ChecksumMismatch(
              "checksum mismatch in column " + fileFields.get(fields[p]).getName());
        }
      }
      int[] r = ranges[fields[p]];
      for (int i = r[0]; i < r[0] + r[1]; i++) {
        FieldNode node = batch.nodes(i);
        nodes.add(new ArrowFieldNode(node.length(), node.nullCount()));
      }
      for (int j = r[2]; j < r[2] + r[3]; j++) {
        Buffer b = batch.buffers(j);
        long from = at + b.offset() - spanStart[p];
        buffers.add(b.length() == 0 ? scratch.slice(0, 0) : scratch.slice(from, b.length()));
      }
      at += spanEnd[p] - spanStart[p];
    }
    // The batch retains the slices, the loaded vectors retain them again, closing releases ours.
    try (ArrowRecordBatch projected = new ArrowRecordBatch(rows, nodes, buffers)) {
      loader.load(projected);
    }
    return rows;
  }

  /** Where each top-level field's nodes and buffers sit in the batch's flattened (DFS) lists. */
  private int[][] layout(RecordBatch batch) throws IOException {
    int[][] ranges = new int[fileFields.size()][];
    int[] next = new int[3]; // node, buffer, variadic count
    for (int f = 0; f < fileFields.size(); f++) {
      int node = next[0];
      int buffer = next[1];
      count(fileFields.get(f), batch, next);
      ranges[f] = new int[] {node, next[0] - node, buffer, next[1] - buffer};
    }
    if (next[0] != batch.nodesLength() || next[1] != batch.buffersLength()) {
      throw new IOException(
          "the batch has "
              + batch.nodesLength()
              + " nodes and "
              + batch.buffersLength()
              + " buffers, the schema needs "
              + next[0]
              + " and "
              + next[1]);
    }
    return ranges;
  }

  private static void count(Field field, RecordBatch batch, int[] next) throws IOException {
    next[0]++;
    if (field.getDictionary() != null) {
      next[1] += TypeLayout.getTypeBufferCount(field.getDictionary().getIndexType());
      return;
    }
    ArrowType type = field.getType();
    next[1] += TypeLayout.getTypeBufferCount(type);
    if (type instanceof ArrowType.Utf8View || type instanceof ArrowType.BinaryView) {
      if (next[2] >= batch.variadicBufferCountsLength()) {
        throw new IOException("a view column lacks its variadic buffer count");
      }
      next[1] += Math.toIntExact(batch.variadicBufferCounts(next[2]++));
    }
    for (Field child : field.getChildren()) count(child, batch, next);
  }

  private void readFully(long at, long filePosition, long length) throws IOException {
    long done = 0;
    while (done < length) {
      int chunk = (int) Math.min(length - done, 1 << 30);
      ByteBuffer target = scratch.nioBuffer(at + done, chunk);
      while (target.hasRemaining()) {
        int n = channel.read(target, filePosition + done + target.position());
        if (n < 0) throw new EOFException("the file ends inside a record batch");
      }
      done += chunk;
    }
  }

  private static long align8(long n) {
    return (n + 7) & ~7L;
  }

  @Override
  public void close() {
    try {
      root.close();
    } finally {
      if (scratch != null) scratch.close();
    }
  }
}

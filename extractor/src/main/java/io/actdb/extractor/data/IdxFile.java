package io.actdb.extractor.data;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An IDX file (the MNIST / Fashion-MNIST format): a magic number whose third byte is the element
 * type (only {@code 0x08}, unsigned byte, is used by these data sets) and whose fourth is the
 * number of dimensions, the dimensions as big-endian int32, then the data. Gzipped files are
 * recognised by their first bytes.
 *
 * @param dims the dimensions, e.g. {10000, 28, 28} for images, {10000} for labels
 * @param data the unsigned bytes, row-major
 */
public record IdxFile(int[] dims, byte[] data) {
  private static final int UNSIGNED_BYTE = 0x08;

  /** Number of items (the first dimension). */
  public int count() {
    return dims[0];
  }

  /** Bytes per item (product of the other dimensions). */
  public int itemSize() {
    int size = 1;
    for (int i = 1; i < dims.length; i++) size *= dims[i];
    return size;
  }

  /** Item {@code i}'s value {@code j} as 0..255. */
  public int value(int i, int j) {
    return data[i * itemSize() + j] & 0xff;
  }

  /**
   * Reads an IDX file, gzipped or not.
   *
   * @param where how messages name the file
   * @throws IOException naming the file and the problem (bad magic, truncated, trailing data)
   */
  public static IdxFile read(InputStream in, String where) throws IOException {
    byte[] bytes;
    try (PushbackInputStream pushback = new PushbackInputStream(in, 2)) {
      int b0 = pushback.read();
      int b1 = pushback.read();
      if (b1 >= 0) pushback.unread(b1);
      if (b0 >= 0) pushback.unread(b0);
      boolean gzip = b0 == 0x1f && b1 == 0x8b;
      try (InputStream body = gzip ? new GZIPInputStream(pushback) : pushback) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        body.transferTo(all);
        bytes = all.toByteArray();
      } catch (ZipException | EOFException e) {
        throw new IOException(where + ": damaged gzip data (" + e.getMessage() + ")", e);
      }
    }
    if (bytes.length < 4)
      throw new IOException(where + ": not an IDX file (" + bytes.length + " bytes)");
    ByteBuffer header = ByteBuffer.wrap(bytes);
    if (bytes[0] != 0 || bytes[1] != 0) {
      throw new IOException(
          where + ": not an IDX file (the magic number does not start with two zero bytes)");
    }
    if ((bytes[2] & 0xff) != UNSIGNED_BYTE) {
      throw new IOException(
          where
              + ": IDX element type 0x"
              + Integer.toHexString(bytes[2] & 0xff)
              + " is not supported (only unsigned bytes, 0x08)");
    }
    int rank = bytes[3] & 0xff;
    if (rank < 1 || bytes.length < 4 + 4L * rank) {
      throw new IOException(where + ": truncated IDX header (" + rank + " dimensions announced)");
    }
    int[] dims = new int[rank];
    long size = 1;
    for (int i = 0; i < rank; i++) {
      dims[i] = header.getInt(4 + 4 * i);
      if (dims[i] < 0) throw new IOException(where + ": negative dimension " + dims[i]);
      size *= dims[i];
    }
    long offset = 4 + 4L * rank;
    long available = bytes.length - offset;
    if (available < size) {
      throw new IOException(
          where
              + ": truncated: "
              + Arrays.toString(dims)
              + " needs "
              + size
              + " bytes of data, found "
              + available);
    }
    if (available > size) {
      throw new IOException(
          where + ": " + (available - size) + " bytes after the data " + Arrays.toString(dims));
    }
    return new IdxFile(dims, Arrays.copyOfRange(bytes, (int) offset, bytes.length));
  }
}

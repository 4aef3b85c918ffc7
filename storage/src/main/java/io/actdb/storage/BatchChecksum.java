package io.actdb.storage;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * Checksums of one record batch. A batch is checked piece by piece so that a query reading only
 * some columns checks exactly the bytes it reads.
 *
 * @param rows the batch's row count
 * @param crc32c CRC32C of the batch's message header (its {@code metadataLength} bytes) first, then
 *     one per top-level column: the bytes of the batch body from the column's first non-empty
 *     buffer to the end of its last (the span a projected read loads)
 */
public record BatchChecksum(
    @JsonProperty("rows") long rows, @JsonProperty("crc32c") long[] crc32c) {

  public BatchChecksum {
    crc32c = crc32c == null ? new long[0] : crc32c.clone();
  }

  /** The header's checksum. */
  public long header() {
    return crc32c[0];
  }

  /** The checksum of top-level column {@code field}. */
  public long column(int field) {
    return crc32c[1 + field];
  }

  /** Number of columns checksummed. */
  public int columns() {
    return crc32c.length - 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchChecksum b && rows == b.rows && Arrays.equals(crc32c, b.crc32c);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(rows) * 31 + Arrays.hashCode(crc32c);
  }

  @Override
  public String toString() {
    return "BatchChecksum[rows=" + rows + ", crc32c=" + Arrays.toString(crc32c) + "]";
  }
}

package io.actdb.storage;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * CRC32C checksums of one store file, computed while it was written and recorded in the manifest,
 * so that damage found later is reported instead of answered.
 *
 * @param crc32c of the whole file, every byte
 * @param batches one per record batch, in file order
 */
public record FileChecksums(
    @JsonProperty("crc32c") long crc32c, @JsonProperty("batches") List<BatchChecksum> batches) {

  public FileChecksums {
    batches = batches == null ? List.of() : List.copyOf(batches);
  }

  /** Rows of all batches together. */
  public long rows() {
    return batches.stream().mapToLong(BatchChecksum::rows).sum();
  }
}

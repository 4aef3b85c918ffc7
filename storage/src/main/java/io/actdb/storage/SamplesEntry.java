package io.actdb.storage;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The published samples file, as the manifest records it.
 *
 * @param rows number of samples
 * @param file path relative to the store directory
 * @param bytes size of the file when it was published
 * @param checksums the file's checksums, or null in stores written before actdb recorded them
 * @param textColumn whether the file has the {@code text} column (false in stores written before
 *     samples had text: their {@code text} reads as NULL)
 */
public record SamplesEntry(
    @JsonProperty("rows") long rows,
    @JsonProperty("file") String file,
    @JsonProperty("bytes") long bytes,
    @JsonProperty("checksums") FileChecksums checksums,
    @JsonProperty("text_column") boolean textColumn) {}

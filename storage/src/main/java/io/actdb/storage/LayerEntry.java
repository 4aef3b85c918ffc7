package io.actdb.storage;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One published layer of one model, as the manifest records it.
 *
 * @param model model name (as the user gave it)
 * @param layer layer name (as the user gave it)
 * @param dim length of every vector
 * @param dtype element type of the vectors; always {@code float32} in format version 1
 * @param pooling how a convolutional map or a token sequence became a vector ({@code avg}, {@code
 *     flatten}, {@code mean}, {@code cls}, ..., or {@code none} / {@code imported})
 * @param rows number of rows in the file (samples, or tokens for a token layer)
 * @param file path of the Arrow file, relative to the store directory ({@code /}-separated)
 * @param bytes size of the file when it was published; a different size means it was damaged
 * @param checksums the file's checksums, or null in stores written before actdb recorded them
 * @param position forward order of the layer within its model, 0-based (ties: by name); a manifest
 *     written before positions were recorded reads as the order of appearance
 * @param granularity {@link #SAMPLE} (one row per sample) or {@link #TOKEN} (one row per token:
 *     {@code sample_id, position, token, vec})
 * @param tokenizer fingerprint of the tokenizer behind the rows, or null (layers not made from
 *     tokens)
 */
public record LayerEntry(
    @JsonProperty("model") String model,
    @JsonProperty("layer") String layer,
    @JsonProperty("dim") int dim,
    @JsonProperty("dtype") String dtype,
    @JsonProperty("pooling") String pooling,
    @JsonProperty("rows") long rows,
    @JsonProperty("file") String file,
    @JsonProperty("bytes") long bytes,
    @JsonProperty("checksums") FileChecksums checksums,
    @JsonProperty("position") int position,
    @JsonProperty("granularity") String granularity,
    @JsonProperty("tokenizer") String tokenizer) {

  /** Granularity of a layer with one row per sample. */
  public static final String SAMPLE = "sample";

  /** Granularity of a layer with one row per token. */
  public static final String TOKEN = "token";

  /** Marks a position the manifest did not record; {@link Manifest} replaces it. */
  static final int UNKNOWN_POSITION = -1;

  public LayerEntry {
    if (granularity == null) granularity = SAMPLE;
  }

  /** Reads an entry of any manifest version: a missing position or granularity is filled in. */
  @JsonCreator
  static LayerEntry fromJson(
      @JsonProperty("model") String model,
      @JsonProperty("layer") String layer,
      @JsonProperty("dim") int dim,
      @JsonProperty("dtype") String dtype,
      @JsonProperty("pooling") String pooling,
      @JsonProperty("rows") long rows,
      @JsonProperty("file") String file,
      @JsonProperty("bytes") long bytes,
      @JsonProperty("checksums") FileChecksums checksums,
      @JsonProperty("position") Integer position,
      @JsonProperty("granularity") String granularity,
      @JsonProperty("tokenizer") String tokenizer) {
    return new LayerEntry(
        model,
        layer,
        dim,
        dtype,
        pooling,
        rows,
        file,
        bytes,
        checksums,
        position == null ? UNKNOWN_POSITION : position,
        granularity,
        tokenizer);
  }

  /** {@code model/layer}, the way messages name a layer. */
  public String qualifiedName() {
    return model + "/" + layer;
  }

  /** Whether the layer has one row per token. */
  public boolean tokenRows() {
    return TOKEN.equals(granularity);
  }

  boolean sameLayer(String model, String layer) {
    return this.model.equals(model) && this.layer.equals(layer);
  }

  LayerEntry withPosition(int newPosition) {
    return new LayerEntry(
        model,
        layer,
        dim,
        dtype,
        pooling,
        rows,
        file,
        bytes,
        checksums,
        newPosition,
        granularity,
        tokenizer);
  }
}

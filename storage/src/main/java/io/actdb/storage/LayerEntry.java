package io.actdb.storage;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One published layer of one model, as the manifest records it.
 *
 * @param model model name (as the user gave it)
 * @param layer layer name (as the user gave it)
 * @param dim length of every vector
 * @param dtype element type of the vectors; always {@code float32} in format version 1
 * @param pooling how a convolutional map became a vector ({@code avg}, {@code flatten}, or {@code
 *     none} / {@code imported})
 * @param rows number of rows in the file
 * @param file path of the Arrow file, relative to the store directory ({@code /}-separated)
 * @param bytes size of the file when it was published; a different size means it was damaged
 * @param checksums the file's checksums, or null in stores written before actdb recorded them
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
    @JsonProperty("checksums") FileChecksums checksums) {

  /** {@code model/layer}, the way messages name a layer. */
  public String qualifiedName() {
    return model + "/" + layer;
  }

  boolean sameLayer(String model, String layer) {
    return this.model.equals(model) && this.layer.equals(layer);
  }
}

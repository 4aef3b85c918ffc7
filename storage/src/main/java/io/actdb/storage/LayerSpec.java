package io.actdb.storage;

/**
 * What {@link StoreWriter#beginLayer(LayerSpec)} needs to know about a layer before its rows come.
 *
 * @param model model name
 * @param layer layer name
 * @param dim length of every vector
 * @param pooling how a vector was made ({@code avg}, {@code flatten}, {@code mean}, {@code cls},
 *     {@code none}, {@code imported}, ...)
 * @param position forward order of the layer within its model, 0-based; negative: after the model's
 *     last layer (or, when the layer is published already, where it is now)
 * @param tokenRows one row per token ({@code sample_id, position, token, vec}) instead of one row
 *     per sample
 * @param tokenizer fingerprint of the tokenizer that made the tokens (token layers and layers of
 *     text models); null when there is none. Token layers are compared token by token only when
 *     their fingerprints are equal.
 */
public record LayerSpec(
    String model,
    String layer,
    int dim,
    String pooling,
    int position,
    boolean tokenRows,
    String tokenizer) {

  /**
   * The granularity the manifest records: {@link LayerEntry#TOKEN} or {@link LayerEntry#SAMPLE}.
   */
  public String granularity() {
    return tokenRows ? LayerEntry.TOKEN : LayerEntry.SAMPLE;
  }
}

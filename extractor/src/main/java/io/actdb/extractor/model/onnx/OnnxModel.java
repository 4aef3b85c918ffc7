package io.actdb.extractor.model.onnx;

import io.actdb.extractor.ExtractorException;
import io.actdb.extractor.model.onnx.OnnxGraph.Node;
import io.actdb.extractor.model.onnx.OnnxGraph.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * An ONNX model before it runs: its bytes, its graph, what its inputs are, which tensors can be
 * captured and under which store names. {@link #open} with chosen layers gives the running {@link
 * OnnxSession}.
 */
public final class OnnxModel {
  /** What a model takes. */
  public enum InputKind {
    /** One float tensor N × C × H × W. */
    IMAGES,
    /** {@code input_ids}, {@code attention_mask} and optionally {@code token_type_ids}, int64. */
    TOKENS
  }

  /**
   * A capturable tensor.
   *
   * @param name the name in the store ({@code layer3}) or, without a known layout, the tensor name
   * @param tensor the tensor's name in the graph
   * @param position forward (graph) order among the capturable tensors, 0-based
   */
  public record Layer(String name, String tensor, String opType, String shape, int position) {}

  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final String BERT_EMBEDDINGS = "/embeddings/LayerNorm/Add_1_output_0";
  private static final String BERT_BLOCK = "/encoder/layer.%d/output/LayerNorm/Add_1_output_0";
  private static final String BERT_LAST = "last_hidden_state";

  private final String name;
  private final String source;
  private final byte[] bytes;
  private final OnnxGraph graph;
  private final InputKind kind;
  private final List<Layer> layers;
  private final List<Layer> defaultLayers;

  private OnnxModel(String name, String source, byte[] bytes, OnnxGraph graph)
      throws ExtractorException {
    this.name = name;
    this.source = source;
    this.bytes = bytes;
    this.graph = graph;
    this.kind = kindOf(graph, source);
    Map<String, String> aliases = bertAliases(graph);
    List<String> capturable = graph.capturable();
    List<Layer> all = new ArrayList<>();
    for (int i = 0; i < capturable.size(); i++) {
      String tensor = capturable.get(i);
      Node producer = graph.producer(tensor);
      all.add(
          new Layer(
              aliases.getOrDefault(tensor, tensor),
              tensor,
              producer == null ? "" : producer.opType(),
              graph.tensor(tensor).shapeText(),
              i));
    }
    this.layers = List.copyOf(all);
    this.defaultLayers =
        aliases.isEmpty()
            ? all.stream().filter(l -> isGraphOutput(l.tensor())).toList()
            : all.stream().filter(l -> aliases.containsKey(l.tensor())).toList();
  }

  /** Reads an ONNX file; the model is named after the file (without {@code .onnx}). */
  public static OnnxModel read(Path file) throws ExtractorException {
    if (!Files.isRegularFile(file)) throw new ExtractorException(file + ": no such model file");
    try {
      byte[] bytes = Files.readAllBytes(file);
      String base = file.getFileName().toString();
      String modelName = base.endsWith(".onnx") ? base.substring(0, base.length() - 5) : base;
      return new OnnxModel(
          modelName, file.toString(), bytes, OnnxGraph.read(bytes, file.toString()));
    } catch (ExtractorException e) {
      throw e;
    } catch (IOException e) {
      throw new ExtractorException(file + ": cannot read the model file: " + e.getMessage(), e);
    }
  }

  /** Reads an ONNX model from a stream, e.g. a class-path resource. */
  public static OnnxModel read(String modelName, String source, InputStream in)
      throws ExtractorException {
    try (in) {
      byte[] bytes = in.readAllBytes();
      return new OnnxModel(modelName, source, bytes, OnnxGraph.read(bytes, source));
    } catch (ExtractorException e) {
      throw e;
    } catch (IOException e) {
      throw new ExtractorException(source + ": cannot read the model: " + e.getMessage(), e);
    }
  }

  /**
   * True when the file starts like a serialized ONNX ModelProto (field 1, ir_version, a varint).
   */
  public static boolean looksLikeOnnx(Path file) {
    if (file.getFileName().toString().endsWith(".onnx")) return true;
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x08;
    } catch (IOException e) {
      return false;
    }
  }

  public String name() {
    return name;
  }

  /** The file or shortcut the model came from. */
  public String source() {
    return source;
  }

  public InputKind inputKind() {
    return kind;
  }

  public OnnxGraph graph() {
    return graph;
  }

  byte[] bytes() {
    return bytes;
  }

  /** Every capturable tensor, in graph order. */
  public List<Layer> layers() {
    return layers;
  }

  /**
   * The layers taken when the user names none: a known layout's (BERT-style encoders: {@code
   * embeddings}, {@code layer0}, ...), else the graph's outputs.
   */
  public List<Layer> defaultLayers() {
    return defaultLayers;
  }

  /**
   * The layers a {@code --layers} argument selects, in graph order. Each item is a store name or a
   * tensor name, a glob ({@code *}, {@code ?}; e.g. {@code layer*}), or a regular expression after
   * {@code re:}; {@code all} takes every capturable tensor; an empty list the default layers.
   *
   * @throws ExtractorException for an item that matches nothing, listing capturable layers
   */
  public List<Layer> select(List<String> requested) throws ExtractorException {
    if (requested == null || requested.isEmpty()) return defaultLayers;
    if (requested.equals(List.of("all"))) return layers;
    Set<Layer> chosen = new LinkedHashSet<>();
    for (String item : requested) {
      Pattern pattern = patternOf(item);
      List<Layer> matched =
          layers.stream()
              .filter(
                  l ->
                      pattern == null
                          ? l.name().equals(item) || l.tensor().equals(item)
                          : pattern.matcher(l.name()).matches()
                              || pattern.matcher(l.tensor()).matches())
              .toList();
      if (matched.isEmpty()) throw unknownLayer(item);
      chosen.addAll(matched);
    }
    return layers.stream().filter(chosen::contains).toList();
  }

  private static Pattern patternOf(String item) throws ExtractorException {
    try {
      if (item.startsWith("re:")) return Pattern.compile(item.substring(3));
      if (item.contains("*") || item.contains("?")) {
        StringBuilder regex = new StringBuilder();
        for (char c : item.toCharArray()) {
          switch (c) {
            case '*' -> regex.append(".*");
            case '?' -> regex.append('.');
            default -> regex.append(Pattern.quote(String.valueOf(c)));
          }
        }
        return Pattern.compile(regex.toString());
      }
      return null;
    } catch (PatternSyntaxException e) {
      throw new ExtractorException(
          "--layers " + item + ": not a valid regular expression (" + e.getDescription() + ")");
    }
  }

  private ExtractorException unknownLayer(String item) {
    int shown = 12;
    String known =
        layers.stream()
            .limit(shown)
            .map(l -> l.name().equals(l.tensor()) ? l.name() : l.name() + " (" + l.tensor() + ")")
            .collect(Collectors.joining(", "));
    String more =
        layers.size() > shown
            ? ", ... ("
                + layers.size()
                + " in all; `actdb extract --model "
                + source
                + " --list-layers` lists them)"
            : "";
    return new ExtractorException(
        "model " + name + " has no layer matching '" + item + "'; capturable: " + known + more);
  }

  private boolean isGraphOutput(String tensor) {
    return graph.outputs().stream().anyMatch(t -> t.name().equals(tensor));
  }

  /** The vocabulary size the model's token embedding table has, or -1 when it cannot tell. */
  public long tokenEmbeddingRows() {
    for (Node node : graph.nodes()) {
      if (node.opType().equals("Gather")
          && node.inputs().size() == 2
          && node.inputs().get(1).equals(INPUT_IDS)) {
        List<Long> dims = graph.initializerDims(node.inputs().get(0));
        if (dims != null && dims.size() == 2) return dims.get(0);
      }
    }
    return -1;
  }

  private static InputKind kindOf(OnnxGraph graph, String source) throws ExtractorException {
    List<Tensor> feeds = graph.feeds();
    Set<String> names = feeds.stream().map(Tensor::name).collect(Collectors.toSet());
    boolean allInt64 = feeds.stream().allMatch(t -> t.elemType() == OnnxGraph.INT64);
    if (names.contains(INPUT_IDS)
        && names.contains(ATTENTION_MASK)
        && Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS).containsAll(names)
        && allInt64) {
      return InputKind.TOKENS;
    }
    if (feeds.size() == 1
        && feeds.get(0).elemType() == OnnxGraph.FLOAT
        && feeds.get(0).dims().size() == 4) {
      return InputKind.IMAGES;
    }
    String found =
        feeds.stream()
            .map(t -> t.name() + " " + elemTypeName(t.elemType()) + t.shapeText())
            .collect(Collectors.joining(", "));
    throw new ExtractorException(
        source
            + ": unsupported inputs ("
            + found
            + "); actdb runs ONNX models that take images (one float input N×C×H×W) or token"
            + " sequences (int64 input_ids and attention_mask, optionally token_type_ids)");
  }

  private static String elemTypeName(int type) {
    Map<Integer, String> names = new HashMap<>();
    names.put(1, "float");
    names.put(2, "uint8");
    names.put(3, "int8");
    names.put(6, "int32");
    names.put(7, "int64");
    names.put(9, "bool");
    names.put(10, "float16");
    names.put(11, "double");
    return names.getOrDefault(type, "type " + type);
  }

  /**
   * BERT-style exports (Hugging Face / optimum): the embeddings' LayerNorm and each block's output
   * LayerNorm, named {@code embeddings}, {@code layer0}, ... The last block's LayerNorm output is
   * often renamed to the graph output {@code last_hidden_state}.
   */
  private static Map<String, String> bertAliases(OnnxGraph graph) {
    Set<String> produced = new LinkedHashSet<>(graph.capturable());
    Map<String, String> aliases = new LinkedHashMap<>();
    if (!produced.contains(BERT_EMBEDDINGS)) return aliases;
    aliases.put(BERT_EMBEDDINGS, "embeddings");
    int blocks = 0;
    while (hasBlock(graph, blocks)) blocks++;
    for (int i = 0; i < blocks; i++) {
      String tensor = String.format(BERT_BLOCK, i);
      if (produced.contains(tensor)) {
        aliases.put(tensor, "layer" + i);
      } else if (i == blocks - 1 && produced.contains(BERT_LAST)) {
        aliases.put(BERT_LAST, "layer" + i);
      } else {
        return Map.of(); // not the layout we know: no defaults rather than wrong ones
      }
    }
    return aliases;
  }

  private static boolean hasBlock(OnnxGraph graph, int i) {
    String prefix = "/encoder/layer." + i + "/";
    for (Node node : graph.nodes()) if (node.name().startsWith(prefix)) return true;
    return false;
  }
}

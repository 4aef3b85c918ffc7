package io.actdb.extractor.model.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.actdb.extractor.ExtractorException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the extractor needs to know of an ONNX model's main graph, read straight from the protobuf
 * wire format: its nodes in graph order, its inputs and outputs, the shapes ONNX recorded, and the
 * initializers (weights, which are not activations). Field numbers are those of onnx.proto
 * (ModelProto.graph = 7; GraphProto.node = 1, initializer = 5, input = 11, output = 12, value_info
 * = 13; NodeProto.output = 2, name = 3, op_type = 4; ValueInfoProto.name = 1, type = 2).
 */
public final class OnnxGraph {
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int GRAPH_VALUE_INFO = 13;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP_TYPE = 4;
  private static final int VALUE_NAME = 1;
  private static final int VALUE_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TENSOR_TYPE_ELEM_TYPE = 1;
  private static final int TENSOR_TYPE_SHAPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_VALUE = 1;
  private static final int DIM_PARAM = 2;
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_NAME = 8;

  /** ONNX TensorProto.DataType codes the extractor cares about. */
  public static final int FLOAT = 1;

  public static final int INT64 = 7;

  /** One operator of the graph. */
  public record Node(String name, String opType, List<String> inputs, List<String> outputs) {}

  /**
   * A named tensor's type as recorded: the ONNX element type (0 when unknown) and its dimensions,
   * each a number or a symbolic name ("batch_size"), or "?" when unnamed; empty when unknown.
   */
  public record Tensor(String name, int elemType, List<String> dims) {
    /** The shape as ONNX tools print it, e.g. {@code [batch_size, sequence_length, 384]}. */
    public String shapeText() {
      return dims.isEmpty() ? "" : "[" + String.join(", ", dims) + "]";
    }
  }

  private final List<Node> nodes;
  private final List<Tensor> inputs;
  private final List<Tensor> outputs;
  private final Map<String, Tensor> valueInfo;
  private final Map<String, List<Long>> initializers;

  private OnnxGraph(
      List<Node> nodes,
      List<Tensor> inputs,
      List<Tensor> outputs,
      Map<String, Tensor> valueInfo,
      Map<String, List<Long>> initializers) {
    this.nodes = List.copyOf(nodes);
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.valueInfo = valueInfo;
    this.initializers = initializers;
  }

  /**
   * Reads the main graph of a serialized ModelProto.
   *
   * @param source the file or shortcut the bytes came from, for messages
   * @throws ExtractorException when the bytes are not an ONNX model
   */
  public static OnnxGraph read(byte[] model, String source) throws ExtractorException {
    List<Node> nodes = new ArrayList<>();
    List<Tensor> inputs = new ArrayList<>();
    List<Tensor> outputs = new ArrayList<>();
    Map<String, Tensor> valueInfo = new LinkedHashMap<>();
    Map<String, List<Long>> initializers = new LinkedHashMap<>();
    boolean sawIrVersion = false;
    boolean sawGraph = false;
    try {
      CodedInputStream in = CodedInputStream.newInstance(model);
      int tag;
      while ((tag = in.readTag()) != 0) {
        int field = WireFormat.getTagFieldNumber(tag);
        if (field == MODEL_IR_VERSION
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
          in.readInt64();
          sawIrVersion = true;
        } else if (field == MODEL_GRAPH
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          sawGraph = true;
          int limit = in.pushLimit(in.readRawVarint32());
          readGraph(in, nodes, inputs, outputs, valueInfo, initializers);
          in.popLimit(limit);
        } else {
          in.skipField(tag);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw notOnnx(source, "it does not parse as a protobuf message (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw notOnnx(source, e.getMessage());
    }
    if (!sawIrVersion || !sawGraph || nodes.isEmpty()) {
      throw notOnnx(
          source, "it has no " + (!sawIrVersion ? "ONNX IR version" : "graph with operators"));
    }
    return new OnnxGraph(nodes, inputs, outputs, valueInfo, initializers);
  }

  private static ExtractorException notOnnx(String source, String why) {
    return new ExtractorException(
        source
            + " is not an ONNX model: "
            + why
            + ". Export the network to ONNX first (e.g. torch.onnx.export, optimum-cli export"
            + " onnx, tf2onnx).");
  }

  private static void readGraph(
      CodedInputStream in,
      List<Node> nodes,
      List<Tensor> inputs,
      List<Tensor> outputs,
      Map<String, Tensor> valueInfo,
      Map<String, List<Long>> initializers)
      throws IOException {
    int tag;
    while ((tag = in.readTag()) != 0) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        in.skipField(tag);
        continue;
      }
      switch (field) {
        case GRAPH_NODE -> nodes.add(readMessage(in, OnnxGraph::readNode));
        case GRAPH_INPUT -> inputs.add(readMessage(in, OnnxGraph::readValueInfo));
        case GRAPH_OUTPUT -> outputs.add(readMessage(in, OnnxGraph::readValueInfo));
        case GRAPH_VALUE_INFO -> {
          Tensor t = readMessage(in, OnnxGraph::readValueInfo);
          valueInfo.put(t.name(), t);
        }
        case GRAPH_INITIALIZER -> {
          int limit = in.pushLimit(in.readRawVarint32());
          readInitializer(in, initializers);
          in.popLimit(limit);
        }
        default -> in.skipField(tag);
      }
    }
  }

  private interface MessageReader<T> {
    T read(CodedInputStream in) throws IOException;
  }

  private static <T> T readMessage(CodedInputStream in, MessageReader<T> reader)
      throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    T value = reader.read(in);
    in.popLimit(limit);
    return value;
  }

  private static Node readNode(CodedInputStream in) throws IOException {
    String name = "";
    String opType = "";
    List<String> ins = new ArrayList<>();
    List<String> outs = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case NODE_INPUT -> ins.add(in.readStringRequireUtf8());
        case NODE_OUTPUT -> outs.add(in.readStringRequireUtf8());
        case NODE_NAME -> name = in.readStringRequireUtf8();
        case NODE_OP_TYPE -> opType = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    return new Node(name, opType, List.copyOf(ins), List.copyOf(outs));
  }

  private static Tensor readValueInfo(CodedInputStream in) throws IOException {
    String name = "";
    int elemType = 0;
    List<String> dims = List.of();
    int tag;
    while ((tag = in.readTag()) != 0) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == VALUE_NAME) {
        name = in.readStringRequireUtf8();
      } else if (field == VALUE_TYPE) {
        int typeLimit = in.pushLimit(in.readRawVarint32());
        int t;
        while ((t = in.readTag()) != 0) {
          if (WireFormat.getTagFieldNumber(t) == TYPE_TENSOR) {
            int tensorLimit = in.pushLimit(in.readRawVarint32());
            int u;
            while ((u = in.readTag()) != 0) {
              switch (WireFormat.getTagFieldNumber(u)) {
                case TENSOR_TYPE_ELEM_TYPE -> elemType = in.readInt32();
                case TENSOR_TYPE_SHAPE -> dims = readMessage(in, OnnxGraph::readShape);
                default -> in.skipField(u);
              }
            }
            in.popLimit(tensorLimit);
          } else {
            in.skipField(t);
          }
        }
        in.popLimit(typeLimit);
      } else {
        in.skipField(tag);
      }
    }
    return new Tensor(name, elemType, dims);
  }

  private static List<String> readShape(CodedInputStream in) throws IOException {
    List<String> dims = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (WireFormat.getTagFieldNumber(tag) == SHAPE_DIM) {
        dims.add(readMessage(in, OnnxGraph::readDimension));
      } else {
        in.skipField(tag);
      }
    }
    return List.copyOf(dims);
  }

  private static String readDimension(CodedInputStream in) throws IOException {
    String dim = "?";
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case DIM_VALUE -> dim = Long.toString(in.readInt64());
        case DIM_PARAM -> dim = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    return dim;
  }

  private static void readInitializer(CodedInputStream in, Map<String, List<Long>> initializers)
      throws IOException {
    String name = "";
    List<Long> dims = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == TENSOR_NAME) {
        name = in.readStringRequireUtf8();
      } else if (field == TENSOR_DIMS
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
        dims.add(in.readInt64());
      } else if (field == TENSOR_DIMS) {
        int limit = in.pushLimit(in.readRawVarint32());
        while (in.getBytesUntilLimit() > 0) dims.add(in.readInt64());
        in.popLimit(limit);
      } else {
        in.skipField(tag); // raw_data and the typed data fields: the weights themselves
      }
    }
    initializers.put(name, List.copyOf(dims));
  }

  /** Operators in graph order. */
  public List<Node> nodes() {
    return nodes;
  }

  /** Inputs the caller feeds: graph inputs that are not initializers. */
  public List<Tensor> feeds() {
    return inputs.stream().filter(t -> !initializers.containsKey(t.name())).toList();
  }

  public List<Tensor> outputs() {
    return outputs;
  }

  /** The recorded type of a tensor (graph input, output or value_info), if any. */
  public Tensor tensor(String name) {
    for (Tensor t : outputs) if (t.name().equals(name)) return t;
    for (Tensor t : inputs) if (t.name().equals(name)) return t;
    Tensor t = valueInfo.get(name);
    return t != null ? t : new Tensor(name, 0, List.of());
  }

  /** Dimensions of an initializer, or null when {@code name} is not one. */
  public List<Long> initializerDims(String name) {
    return initializers.get(name);
  }

  /**
   * Tensors whose values a run can return, in graph order: every node output that is not a weight
   * (ONNX Runtime folds constants, so Constant nodes are left out too), each once.
   */
  public List<String> capturable() {
    Set<String> names = new LinkedHashSet<>();
    for (Node node : nodes) {
      if (node.opType().equals("Constant")) continue;
      for (String out : node.outputs()) {
        if (!out.isEmpty() && !initializers.containsKey(out)) names.add(out);
      }
    }
    return List.copyOf(names);
  }

  /** The operator that produces {@code tensor}, or null. */
  public Node producer(String tensor) {
    for (Node node : nodes) if (node.outputs().contains(tensor)) return node;
    return null;
  }

  /**
   * The model bytes with {@code extra} tensors added to the graph's outputs: a second serialized
   * {@code graph} field holding only name-only {@code ValueInfoProto}s, which a protobuf parser
   * merges into the first (repeated fields concatenate). Names already graph outputs are left out.
   */
  public byte[] withOutputs(byte[] model, List<String> extra) {
    Set<String> existing = new LinkedHashSet<>();
    for (Tensor t : outputs) existing.add(t.name());
    try {
      ByteArrayOutputStream graphBytes = new ByteArrayOutputStream();
      CodedOutputStream graph = CodedOutputStream.newInstance(graphBytes);
      for (String name : extra) {
        if (existing.contains(name)) continue;
        ByteArrayOutputStream infoBytes = new ByteArrayOutputStream();
        CodedOutputStream info = CodedOutputStream.newInstance(infoBytes);
        info.writeString(VALUE_NAME, name);
        info.flush();
        graph.writeByteArray(GRAPH_OUTPUT, infoBytes.toByteArray());
      }
      graph.flush();
      if (graphBytes.size() == 0) return model;
      ByteArrayOutputStream tail = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(tail);
      out.writeByteArray(MODEL_GRAPH, graphBytes.toByteArray());
      out.flush();
      byte[] extended = new byte[model.length + tail.size()];
      System.arraycopy(model, 0, extended, 0, model.length);
      System.arraycopy(tail.toByteArray(), 0, extended, model.length, tail.size());
      return extended;
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
  }
}

package io.actdb.extractor.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.actdb.extractor.ExtractorException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire-format reader on a graph built byte by byte in the test (field numbers from onnx.proto),
 * so what it must find is known independently of any exporter.
 */
class OnnxGraphTest {
  @TempDir Path dir;

  interface Writes {
    void to(CodedOutputStream out) throws IOException;
  }

  static byte[] message(Writes writes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    writes.to(out);
    out.flush();
    return bytes.toByteArray();
  }

  static byte[] valueInfo(String name, int elemType, Object... dims) throws IOException {
    byte[] shape =
        message(
            out -> {
              for (Object d : dims) {
                byte[] dim =
                    message(
                        o -> {
                          if (d instanceof Long v) o.writeInt64(1, v);
                          else o.writeString(2, (String) d);
                        });
                out.writeByteArray(1, dim);
              }
            });
    byte[] tensorType =
        message(
            out -> {
              out.writeInt32(1, elemType);
              out.writeByteArray(2, shape);
            });
    byte[] type = message(out -> out.writeByteArray(1, tensorType));
    return message(
        out -> {
          out.writeString(1, name);
          out.writeByteArray(2, type);
        });
  }

  static byte[] node(String name, String op, List<String> inputs, List<String> outputs)
      throws IOException {
    return message(
        out -> {
          for (String i : inputs) out.writeString(1, i);
          for (String o : outputs) out.writeString(2, o);
          out.writeString(3, name);
          out.writeString(4, op);
        });
  }

  /** x (1×3×8×8 float) → conv (weight w) → relu → y, with a Constant in between. */
  static byte[] tinyModel() throws IOException {
    byte[] weight =
        message(
            out -> {
              out.writeInt64(1, 4);
              out.writeInt64(1, 3);
              out.writeInt32(2, 1);
              out.writeString(8, "w");
              out.writeBytes(9, ByteString.copyFrom(new byte[48 * 4]));
            });
    byte[] graph =
        message(
            out -> {
              out.writeByteArray(1, node("conv", "Conv", List.of("x", "w"), List.of("c")));
              out.writeByteArray(1, node("k", "Constant", List.of(), List.of("k_out")));
              out.writeByteArray(1, node("relu", "Relu", List.of("c"), List.of("y")));
              out.writeString(2, "tiny");
              out.writeByteArray(5, weight);
              out.writeByteArray(11, valueInfo("x", 1, "batch", 3L, 8L, 8L));
              out.writeByteArray(11, valueInfo("w", 1, 4L, 3L));
              out.writeByteArray(12, valueInfo("y", 1, "batch", 4L, 8L, 8L));
              out.writeByteArray(13, valueInfo("c", 1, "batch", 4L, 8L, 8L));
            });
    return message(
        out -> {
          out.writeInt64(1, 8);
          out.writeString(2, "test");
          out.writeByteArray(7, graph);
        });
  }

  @Test
  void readsNodesInputsShapesAndWeights() throws IOException {
    OnnxGraph graph = OnnxGraph.read(tinyModel(), "tiny.onnx");
    assertEquals(
        List.of("conv", "k", "relu"), graph.nodes().stream().map(OnnxGraph.Node::name).toList());
    assertEquals(List.of("x"), graph.feeds().stream().map(OnnxGraph.Tensor::name).toList());
    assertEquals("[batch, 3, 8, 8]", graph.tensor("x").shapeText());
    assertEquals("[batch, 4, 8, 8]", graph.tensor("c").shapeText());
    assertEquals(List.of(4L, 3L), graph.initializerDims("w"));
    // weights and folded constants are not activations
    assertEquals(List.of("c", "y"), graph.capturable());
    assertEquals("Relu", graph.producer("y").opType());
  }

  @Test
  void extraOutputsAreASecondGraphFieldThatAReaderMerges() throws IOException {
    byte[] model = tinyModel();
    OnnxGraph graph = OnnxGraph.read(model, "tiny.onnx");
    byte[] extended = graph.withOutputs(model, List.of("c", "y"));
    assertTrue(extended.length > model.length);
    for (int i = 0; i < model.length; i++) assertEquals(model[i], extended[i]);
    OnnxGraph merged = OnnxGraph.read(extended, "extended");
    // y was already an output: only c is added
    assertEquals(List.of("y", "c"), merged.outputs().stream().map(OnnxGraph.Tensor::name).toList());
    assertEquals(3, merged.nodes().size());
  }

  @Test
  void aFileThatIsNotOnnxIsRefusedByName() throws IOException {
    Path text = dir.resolve("notes.onnx");
    Files.writeString(text, "this is not a model\n", StandardCharsets.UTF_8);
    ExtractorException e = assertThrows(ExtractorException.class, () -> OnnxModel.read(text));
    assertTrue(e.getMessage().startsWith(text + " is not an ONNX model"), e.getMessage());
    Path json = dir.resolve("model.onnx");
    Files.writeString(json, "{\"graph\": []}", StandardCharsets.UTF_8);
    e = assertThrows(ExtractorException.class, () -> OnnxModel.read(json));
    assertTrue(e.getMessage().contains("is not an ONNX model"), e.getMessage());
  }

  @Test
  void anInputSignatureOtherThanImagesOrTokensIsRefusedNamingTheInputs() throws IOException {
    byte[] graph =
        message(
            out -> {
              out.writeByteArray(1, node("mm", "MatMul", List.of("a", "b"), List.of("y")));
              out.writeByteArray(11, valueInfo("a", 1, "n", 16L));
              out.writeByteArray(11, valueInfo("b", 6, 16L, 4L));
              out.writeByteArray(12, valueInfo("y", 1, "n", 4L));
            });
    Path file = dir.resolve("matmul.onnx");
    Files.write(
        file,
        message(
            out -> {
              out.writeInt64(1, 8);
              out.writeByteArray(7, graph);
            }));
    ExtractorException e = assertThrows(ExtractorException.class, () -> OnnxModel.read(file));
    assertTrue(
        e.getMessage().contains("unsupported inputs (a float[n, 16], b int32[16, 4])"),
        e.getMessage());
  }

  @Test
  void layersAreSelectedByNameGlobRegexOrAllAndUnknownOnesListTheKnown() throws IOException {
    Path file = dir.resolve("tiny.onnx");
    Files.write(file, tinyModel());
    OnnxModel model = OnnxModel.read(file);
    assertEquals(OnnxModel.InputKind.IMAGES, model.inputKind());
    assertEquals(List.of("y"), model.defaultLayers().stream().map(OnnxModel.Layer::name).toList());
    assertEquals(List.of("c", "y"), names(model.select(List.of("all"))));
    assertEquals(List.of("c", "y"), names(model.select(List.of("y", "c"))));
    assertEquals(List.of("c"), names(model.select(List.of("c*"))));
    assertEquals(List.of("c", "y"), names(model.select(List.of("re:[cy]"))));
    ExtractorException e =
        assertThrows(ExtractorException.class, () -> model.select(List.of("layer9")));
    assertTrue(
        e.getMessage().contains("no layer matching 'layer9'; capturable: c, y"), e.getMessage());
  }

  static List<String> names(List<OnnxModel.Layer> layers) {
    return layers.stream().map(OnnxModel.Layer::name).toList();
  }
}

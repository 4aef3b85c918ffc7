package io.actdb.extractor.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actdb.extractor.Extraction;
import io.actdb.extractor.data.SampleSource;
import io.actdb.extractor.model.onnx.OnnxModel.Layer;
import io.actdb.extractor.model.onnx.OnnxSession.Output;
import io.actdb.storage.LayerReader;
import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny CNN exported by make_onnx_fixture.py: its intermediate tensors, captured through extra
 * graph outputs, equal the PyTorch original's layers (written by the same script) to 1e-5.
 */
class OnnxImageModelTest {
  static final int BATCH = 3;
  static final int SIDE = 28;
  static final List<String> LAYERS = List.of("conv1", "conv2", "hidden", "logits");

  private static OnnxModel model;
  private static JsonNode expected;

  @TempDir Path dir;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = fixture("tiny_cnn.onnx")) {
      model = OnnxModel.read("tiny_cnn", "tiny_cnn.onnx", in);
    }
    try (InputStream in = fixture("tiny_cnn_onnx_expected.json")) {
      expected = new ObjectMapper().readTree(in);
    }
  }

  static InputStream fixture(String name) {
    return OnnxImageModelTest.class.getResourceAsStream("/io/actdb/extractor/model/" + name);
  }

  static float pixel(int n, int i, int j) {
    return (float) Math.sin(0.1 * (n + 1) * (i + 2 * j));
  }

  static float[] inputBatch() {
    float[] x = new float[BATCH * SIDE * SIDE];
    for (int n = 0; n < BATCH; n++)
      for (int i = 0; i < SIDE; i++)
        for (int j = 0; j < SIDE; j++) x[(n * SIDE + i) * SIDE + j] = pixel(n, i, j);
    return x;
  }

  static List<Layer> fixtureLayers() throws IOException {
    List<String> tensors = new ArrayList<>();
    for (String layer : LAYERS) tensors.add(expected.get("tensors").get(layer).asText());
    return model.select(tensors);
  }

  @Test
  void capturedIntermediateTensorsEqualThePyTorchLayers() throws IOException {
    assertEquals(OnnxModel.InputKind.IMAGES, model.inputKind());
    assertEquals(List.of("logits"), model.defaultLayers().stream().map(Layer::name).toList());
    List<Layer> layers = fixtureLayers();
    assertEquals(4, layers.size());
    try (OnnxSession session = OnnxSession.open(model, layers, Device.cpu())) {
      Map<String, Output> outputs =
          session.runImages(inputBatch(), new Shape(BATCH, 1, SIDE, SIDE));
      for (int k = 0; k < LAYERS.size(); k++) {
        JsonNode layer = expected.get("layers").get(LAYERS.get(k));
        Output got = outputs.get(layers.get(k).name());
        List<Long> shape = new ArrayList<>();
        layer.get("shape").forEach(d -> shape.add(d.asLong()));
        assertEquals(shape, Arrays.stream(got.shape()).boxed().toList(), LAYERS.get(k));
        JsonNode values = layer.get("values");
        for (int i = 0; i < values.size(); i++) {
          assertEquals(values.get(i).floatValue(), got.values()[i], 1e-5, LAYERS.get(k) + " " + i);
        }
      }
    }
  }

  @Test
  void theImagePathStoresAveragePooledMapsAsPyTorchGivesThem() throws IOException {
    List<Layer> layers = fixtureLayers();
    SampleSource images =
        new SampleSource() {
          @Override
          public String description() {
            return "formula images";
          }

          @Override
          public int size() {
            return BATCH;
          }

          @Override
          public int channels() {
            return 1;
          }

          @Override
          public int height() {
            return SIDE;
          }

          @Override
          public int width() {
            return SIDE;
          }

          @Override
          public Sample sample(int i) {
            return new Sample(10 + i, "test", null, null, "formula");
          }

          @Override
          public void read(int i, float[] target, int offset) {
            float[] all = inputBatch();
            System.arraycopy(all, i * SIDE * SIDE, target, offset, SIDE * SIDE);
          }
        };
    try (OnnxSession session = OnnxSession.open(model, layers, Device.cpu());
        BufferAllocator allocator = new RootAllocator();
        StoreWriter store = StoreWriter.open(dir.resolve("store"), allocator)) {
      Extraction.run(
          session,
          images,
          store,
          Device.cpu(),
          new Extraction.Options(null, List.of(), 2, Extraction.Pooling.AVG, false),
          new Extraction.Progress() {});
    }
    // conv2 is 3 × 8 × 7 × 7 in PyTorch: its stored vectors are the means over the 7 × 7 maps
    JsonNode conv2 = expected.get("layers").get("conv2").get("values");
    String conv2Name = layers.get(1).name();
    try (BufferAllocator allocator = new RootAllocator();
        LayerReader reader =
            Store.open(dir.resolve("store")).openLayer("tiny_cnn", conv2Name, allocator)) {
      assertTrue(reader.nextBatch());
      assertEquals(8, reader.dim());
      float[] v = new float[8];
      int row = 0;
      do {
        for (int i = 0; i < reader.batchRows(); i++, row++) {
          assertEquals(10 + row, reader.sampleId(i));
          reader.copyVector(i, v, 0);
          for (int c = 0; c < 8; c++) {
            double sum = 0;
            for (int p = 0; p < 49; p++) sum += conv2.get((row * 8 + c) * 49 + p).doubleValue();
            assertEquals(sum / 49, v[c], 1e-5, "sample " + row + " channel " + c);
          }
        }
      } while (reader.nextBatch());
      assertEquals(BATCH, row);
    }
  }
}

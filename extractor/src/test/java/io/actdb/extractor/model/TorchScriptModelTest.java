package io.actdb.extractor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actdb.extractor.ExtractorException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the fixtures of {@code make_fixtures.py} (a small CNN with a BatchNorm, saved by torch 1.13)
 * and compares every layer with the outputs PyTorch computed when it saved them.
 */
class TorchScriptModelTest {
  private static final List<String> LAYERS = List.of("conv1", "conv2", "hidden", "logits");
  private static final int BATCH = 3;
  private static final int SIDE = 28;

  /** Relative to a value, or to 1 for values near zero (after ReLU many are exactly 0). */
  private static final double TOLERANCE = 1e-5;

  private static JsonNode expected;

  private final NDManager manager = NDManager.newBaseManager(Device.cpu(), TorchScriptModel.ENGINE);

  @TempDir Path temp;

  @BeforeAll
  static void readExpectedOutputs() throws IOException, URISyntaxException {
    expected = new ObjectMapper().readTree(fixture("tiny_cnn_expected.json").toFile());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  @Test
  void dictModelGivesPytorchOutputs() throws Exception {
    try (TorchScriptModel model = load("tiny_cnn_dict.pt", List.of())) {
      assertEquals("tiny_cnn_dict", model.name());
      assertEquals(LAYERS, model.layerNames());
      Map<String, NDArray> out = model.forward(inputBatch(), Set.copyOf(LAYERS));
      assertEquals(LAYERS, List.copyOf(out.keySet()));
      for (String layer : LAYERS) assertMatchesPytorch(layer, out.get(layer));
    }
  }

  @Test
  void tupleModelGivesPytorchOutputsUnderTheGivenNames() throws Exception {
    List<String> names = List.of("first", "second", "third", "fourth");
    try (TorchScriptModel model = load("tiny_cnn_tuple.pt", names)) {
      assertEquals("tiny_cnn_tuple", model.name());
      assertEquals(names, model.layerNames());
      Map<String, NDArray> out = model.forward(inputBatch(), Set.copyOf(names));
      for (int i = 0; i < names.size(); i++)
        assertMatchesPytorch(LAYERS.get(i), out.get(names.get(i)));
    }
  }

  @Test
  void singleTensorIsAOneElementTuple() throws Exception {
    try (TorchScriptModel model = load("tiny_cnn_logits.pt", List.of("scores"))) {
      assertEquals(List.of("scores"), model.layerNames());
      assertMatchesPytorch("logits", model.forward(inputBatch(), Set.of("scores")).get("scores"));
    }
  }

  @Test
  void batchNormUsesItsRunningStatistics() throws Exception {
    // Had the model run in training mode, conv1 would be this far off: far beyond the tolerance.
    double trainModeError = expected.get("conv1_train_mode_max_abs_difference").asDouble();
    assertTrue(trainModeError > 1000 * TOLERANCE, "the fixture cannot tell the modes apart");
    // The scripted model, whose BatchNorm reads self.training at run time; a trace has the mode
    // it was traced in baked in.
    try (TorchScriptModel model = load("tiny_cnn_dict.pt", List.of())) {
      assertMatchesPytorch("conv1", model.forward(inputBatch(), Set.of("conv1")).get("conv1"));
    }
  }

  @Test
  void forwardReturnsOnlyTheRequestedLayersWithTheBatchFirst() throws Exception {
    try (TorchScriptModel model = load("tiny_cnn_dict.pt", List.of())) {
      Map<String, NDArray> out = model.forward(inputBatch(), Set.of("logits", "conv2"));
      assertEquals(List.of("conv2", "logits"), List.copyOf(out.keySet()));
      assertEquals(new Shape(BATCH, 8, 7, 7), out.get("conv2").getShape());
      assertEquals(new Shape(BATCH, 10), out.get("logits").getShape());
    }
  }

  @Test
  void namesGivenForADictSelectAndOrderItsKeys() throws Exception {
    try (TorchScriptModel model = load("tiny_cnn_dict.pt", List.of("logits", "conv1"))) {
      assertEquals(List.of("logits", "conv1"), model.layerNames());
      Map<String, NDArray> out = model.forward(inputBatch(), Set.of("logits", "conv1"));
      assertEquals(List.of("logits", "conv1"), List.copyOf(out.keySet()));
      assertMatchesPytorch("logits", out.get("logits"));
    }
  }

  @Test
  void missingFileIsNamed() {
    Path missing = temp.resolve("nothing_here.pt");
    assertFailsNaming(
        missing, () -> TorchScriptModel.load(missing, Device.cpu(), List.of(), 1, SIDE, SIDE));
  }

  @Test
  void randomBytesAreNotTorchScript() throws IOException {
    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);
    Path file = Files.write(temp.resolve("noise.pt"), noise);
    String message =
        assertFailsNaming(
            file, () -> TorchScriptModel.load(file, Device.cpu(), List.of(), 1, SIDE, SIDE));
    assertTrue(message.contains("not a TorchScript file"), message);
  }

  @Test
  void textFileIsNotTorchScript() throws IOException {
    Path file = Files.writeString(temp.resolve("notes.txt"), "conv1, conv2\n");
    String message =
        assertFailsNaming(
            file, () -> TorchScriptModel.load(file, Device.cpu(), List.of(), 1, SIDE, SIDE));
    assertTrue(message.contains("not a TorchScript file"), message);
  }

  @Test
  void stateDictSavedWithTorchSaveIsNotTorchScript() throws Exception {
    Path file = fixture("tiny_cnn_state_dict.pt");
    String message =
        assertFailsNaming(
            file, () -> TorchScriptModel.load(file, Device.cpu(), List.of(), 1, SIDE, SIDE));
    assertTrue(message.contains("torch.jit.trace"), message);
  }

  @Test
  void tupleWithTooFewNames() throws Exception {
    Path file = fixture("tiny_cnn_tuple.pt");
    String message =
        assertFailsNaming(
            file,
            () -> TorchScriptModel.load(file, Device.cpu(), List.of("a", "b", "c"), 1, SIDE, SIDE));
    assertTrue(message.contains("returns 4 outputs but 3 names were given: a, b, c"), message);
  }

  @Test
  void tupleWithoutNames() throws Exception {
    Path file = fixture("tiny_cnn_tuple.pt");
    String message =
        assertFailsNaming(
            file, () -> TorchScriptModel.load(file, Device.cpu(), List.of(), 1, SIDE, SIDE));
    assertTrue(message.contains("4 outputs without names"), message);
  }

  @Test
  void dictGivenANameItLacks() throws Exception {
    Path file = fixture("tiny_cnn_dict.pt");
    String message =
        assertFailsNaming(
            file,
            () -> TorchScriptModel.load(file, Device.cpu(), List.of("conv1", "fc"), 1, SIDE, SIDE));
    assertTrue(
        message.contains("without the key fc; its keys are: conv1, conv2, hidden, logits"),
        message);
  }

  @Test
  void outputWithoutTheBatchFirst() throws Exception {
    Path file = fixture("scalar_output.pt");
    String message =
        assertFailsNaming(
            file,
            () ->
                TorchScriptModel.load(
                    file, Device.cpu(), List.of("images", "mean"), 1, SIDE, SIDE));
    assertTrue(message.contains("output mean has shape () for a batch of 2"), message);
  }

  @Test
  void inputShapeTheModelRejects() throws Exception {
    Path file = fixture("tiny_cnn_dict.pt");
    String message =
        assertFailsNaming(
            file, () -> TorchScriptModel.load(file, Device.cpu(), List.of(), 3, SIDE, SIDE));
    assertTrue(message.contains("rejects input of shape 2×3×28×28"), message);
    // PyTorch's reason, without the traceback through the model's code before it
    assertTrue(message.endsWith("to have 1 channels, but got 3 channels instead"), message);
    assertEquals(1, message.lines().count(), message);
  }

  @Test
  void unknownLayerListsTheLayersThereAre() throws Exception {
    Path file = fixture("tiny_cnn_dict.pt");
    try (TorchScriptModel model = load("tiny_cnn_dict.pt", List.of())) {
      String message =
          assertFailsNaming(file, () -> model.requireLayers(List.of("conv1", "conv3")));
      assertTrue(message.contains("no layer conv3; it has: conv1, conv2, hidden, logits"), message);
      assertThrows(
          IllegalArgumentException.class, () -> model.forward(inputBatch(), Set.of("conv3")));
    }
  }

  @Test
  void closeFreesTheNativeModule() throws Exception {
    TorchScriptModel model = load("tiny_cnn_dict.pt", List.of());
    NDArray batch = inputBatch();
    model.close();
    assertThrows(IllegalStateException.class, () -> model.forward(batch, Set.of("conv1")));
  }

  private TorchScriptModel load(String fixture, List<String> names) throws Exception {
    return TorchScriptModel.load(fixture(fixture), Device.cpu(), names, 1, SIDE, SIDE);
  }

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(TorchScriptModelTest.class.getResource(name).toURI());
  }

  /** The batch make_fixtures.py fed to PyTorch, rebuilt from its formula. */
  private NDArray inputBatch() {
    float[] x = new float[BATCH * SIDE * SIDE];
    for (int n = 0; n < BATCH; n++) {
      for (int i = 0; i < SIDE; i++) {
        for (int j = 0; j < SIDE; j++)
          x[(n * SIDE + i) * SIDE + j] = (float) Math.sin(0.1 * (n + 1) * (i + 2 * j));
      }
    }
    return manager.create(x, new Shape(BATCH, 1, SIDE, SIDE));
  }

  private static void assertMatchesPytorch(String layer, NDArray actual) {
    JsonNode node = expected.get("layers").get(layer);
    long[] shape = new long[node.get("shape").size()];
    for (int d = 0; d < shape.length; d++) shape[d] = node.get("shape").get(d).asLong();
    assertEquals(new Shape(shape), actual.getShape(), layer);
    float[] values = actual.toFloatArray();
    JsonNode want = node.get("values");
    assertEquals(want.size(), values.length, layer);
    for (int k = 0; k < values.length; k++) {
      double e = want.get(k).asDouble();
      if (Math.abs(values[k] - e) > TOLERANCE * Math.max(1, Math.abs(e))) {
        fail(layer + "[" + k + "]: PyTorch gave " + e + ", the model " + values[k]);
      }
    }
  }

  /** Asserts an ExtractorException whose message names the file; returns the message. */
  private static String assertFailsNaming(Path file, Executable action) {
    ExtractorException e = assertThrows(ExtractorException.class, action);
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    return e.getMessage();
  }
}

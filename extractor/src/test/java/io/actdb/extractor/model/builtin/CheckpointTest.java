package io.actdb.extractor.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.actdb.extractor.ExtractorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir Path dir;

  private static CheckpointInfo info(String architecture) {
    return new CheckpointInfo(
        CheckpointInfo.FORMAT,
        architecture,
        9,
        4,
        "test images",
        100,
        64,
        1e-3f,
        0.5,
        0.8,
        "0.35.1",
        "PyTorch",
        "2.7.1");
  }

  /** Saves a fresh model under {@code base} and returns its parameter file. */
  private Path save(String architecture, String base) throws Exception {
    try (BuiltinModel model = BuiltinModels.create(architecture, 9, Device.cpu())) {
      return Checkpoint.write(model.block(), info(architecture), dir, base);
    }
  }

  @Test
  void roundTripGivesIdenticalOutputs() throws Exception {
    for (String architecture : BuiltinModels.architectures()) {
      String base = architecture + "-s9-e004";
      Path params = save(architecture, base);
      assertEquals(dir.resolve(base + ".params"), params);
      assertTrue(Files.isRegularFile(dir.resolve(base + ".json")));
      try (BuiltinModel fresh = BuiltinModels.create(architecture, 9, Device.cpu());
          BuiltinModel loaded = BuiltinModels.load(params, Device.cpu());
          NDManager manager = NDManager.newBaseManager(Device.cpu())) {
        assertEquals(base, loaded.name());
        assertEquals(architecture, loaded.architecture());
        assertEquals(info(architecture), loaded.checkpoint().orElseThrow());
        NDArray batch = TestImages.batch(manager, 20, 3);
        Map<String, NDArray> expected = fresh.forward(batch, Set.copyOf(fresh.layerNames()));
        Map<String, NDArray> actual = loaded.forward(batch, Set.copyOf(loaded.layerNames()));
        for (String layer : fresh.layerNames()) {
          assertArrayEquals(
              expected.get(layer).toFloatArray(),
              actual.get(layer).toFloatArray(),
              architecture + " " + layer);
        }
      }
    }
  }

  @Test
  void loadsFromTheSidecarOrTheBasePathToo() throws Exception {
    save("cnn", "run-e001");
    try (BuiltinModel a = BuiltinModels.load(dir.resolve("run-e001.json"), Device.cpu());
        BuiltinModel b = BuiltinModels.load(dir.resolve("run-e001"), Device.cpu())) {
      assertEquals("run-e001", a.name());
      assertEquals("run-e001", b.name());
    }
  }

  @Test
  void leavesNoTemporaryFiles() throws Exception {
    save("resnet", "r");
    try (var files = Files.list(dir)) {
      assertEquals(
          Set.of("r.params", "r.json"),
          Set.copyOf(files.map(p -> p.getFileName().toString()).toList()));
    }
  }

  private static void assertNames(ExtractorException e, Path file, String what) {
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(what), e.getMessage());
  }

  @Test
  void missingFilesAreNamed() throws Exception {
    Path params = dir.resolve("nothing.params");
    assertNames(
        assertThrows(ExtractorException.class, () -> BuiltinModels.load(params, Device.cpu())),
        params,
        "not found");
    Path onlyParams = save("cnn", "lonely");
    Files.delete(dir.resolve("lonely.json"));
    assertNames(
        assertThrows(ExtractorException.class, () -> BuiltinModels.load(onlyParams, Device.cpu())),
        dir.resolve("lonely.json"),
        "not found");
  }

  @Test
  void truncatedParametersAreNamed() throws Exception {
    Path params = save("cnn", "cut");
    byte[] bytes = Files.readAllBytes(params);
    for (int length : new int[] {0, 1, 100, bytes.length / 2, bytes.length - 1}) {
      Files.write(params, Arrays.copyOf(bytes, length));
      assertNames(
          assertThrows(ExtractorException.class, () -> BuiltinModels.load(params, Device.cpu())),
          params,
          "");
    }
    Files.write(params, Arrays.copyOf(bytes, bytes.length / 2));
    assertNames(
        assertThrows(ExtractorException.class, () -> BuiltinModels.load(params, Device.cpu())),
        params,
        "truncated");
  }

  @Test
  void parametersOfAnotherArchitectureDoNotLoad() throws Exception {
    Path params = save("cnn", "swap");
    Files.writeString(
        dir.resolve("swap.json"),
        Files.readString(dir.resolve("swap.json")).replace("\"cnn\"", "\"cnn-wide\""));
    assertNames(
        assertThrows(ExtractorException.class, () -> BuiltinModels.load(params, Device.cpu())),
        params,
        "cnn-wide");
  }

  @Test
  void unknownArchitectureAndCorruptSidecarAreNamed() throws Exception {
    Path params = save("cnn", "odd");
    Path sidecar = dir.resolve("odd.json");
    String json = Files.readString(sidecar);
    Files.writeString(sidecar, json.replace("\"cnn\"", "\"vgg\""));
    ExtractorException e =
        assertThrows(ExtractorException.class, () -> BuiltinModels.load(params, Device.cpu()));
    assertNames(e, sidecar, "vgg");
    assertTrue(e.getMessage().contains("cnn, cnn-wide, resnet"), e.getMessage());
    Files.writeString(sidecar, json.substring(0, json.length() / 2));
    assertNames(
        assertThrows(ExtractorException.class, () -> BuiltinModels.load(params, Device.cpu())),
        sidecar,
        "sidecar");
    Files.writeString(sidecar, "{\"architecture\": \"cnn\"}");
    assertNames(
        assertThrows(ExtractorException.class, () -> BuiltinModels.load(params, Device.cpu())),
        sidecar,
        "format");
  }
}

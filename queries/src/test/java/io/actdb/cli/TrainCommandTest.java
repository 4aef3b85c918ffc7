package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actdb.extractor.model.builtin.BuiltinModel;
import io.actdb.extractor.model.builtin.BuiltinModels;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.LayerReader;
import io.actdb.storage.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code actdb train}, run in-process on a small IDX file, and extraction from its checkpoints. */
class TrainCommandTest {
  private static final int IMAGES = 240;
  private static final int SUBSET = 200;

  @TempDir Path dir;
  private Path images;

  @BeforeEach
  void setUp() throws IOException {
    images = SmallIdx.write(dir.resolve("data"), IMAGES);
  }

  private Cli.Result train(Path out, String... more) {
    return Cli.run(
        Stream.concat(
                Stream.of(
                    "train",
                    "--arch",
                    "cnn",
                    "--seed",
                    "1",
                    "--epochs",
                    "2",
                    "--subset",
                    String.valueOf(SUBSET),
                    "--data",
                    images.toString(),
                    "--out",
                    out.toString(),
                    "--device",
                    "cpu"),
                Stream.of(more))
            .toArray(String[]::new));
  }

  private static List<String> files(Path folder) throws IOException {
    if (!Files.exists(folder)) return List.of();
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void trainsSavesCheckpointsAndTheyExtract() throws Exception {
    Path out = dir.resolve("models");
    Cli.Result r = train(out, "--checkpoints", "1,2");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().startsWith("training cnn on " + SUBSET + " samples of "), r.out());
    assertTrue(
        r.out().contains("  epoch   1  loss ") && r.out().contains("  epoch   2  loss "), r.out());
    assertTrue(r.out().endsWith("2 checkpoint(s) in " + out + "\n"), r.out());
    assertEquals(
        List.of("cnn-s1-e001.json", "cnn-s1-e001.params", "cnn-s1-e002.json", "cnn-s1-e002.params"),
        files(out));

    ObjectMapper json = new ObjectMapper();
    for (int epoch : new int[] {1, 2}) {
      JsonNode info =
          json.readTree(out.resolve(String.format("cnn-s1-e%03d.json", epoch)).toFile());
      assertEquals(epoch, info.get("epoch").asInt());
      assertEquals(1, info.get("seed").asLong());
      assertEquals("cnn", info.get("architecture").asText());
      assertEquals(SUBSET, info.get("trainSubsetSize").asInt());
      double accuracy = info.get("accuracy").asDouble();
      assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
    }
    // training changed the weights
    assertFalse(
        Arrays.equals(
            Files.readAllBytes(out.resolve("cnn-s1-e001.params")),
            Files.readAllBytes(out.resolve("cnn-s1-e002.params"))));

    // extracting from the last checkpoint: stored under its base name, with what the checkpoint
    // computes
    Path store = dir.resolve("store");
    Path checkpoint = out.resolve("cnn-s1-e002.params");
    Cli.Result x =
        Cli.run(
            "extract",
            "--model",
            checkpoint.toString(),
            "--data",
            images.toString(),
            "--layers",
            "fc1,logits",
            "--store",
            store.toString(),
            "--device",
            "cpu");
    assertEquals(0, x.status(), x.err());
    assertTrue(x.out().startsWith("cnn-s1-e002: " + IMAGES + " samples in "), x.out());
    LayerEntry logits = Store.open(store).manifest().layer("cnn-s1-e002", "logits").orElseThrow();
    assertEquals(10, logits.dim());
    assertEquals(IMAGES, logits.rows());
    assertEquals(List.of("cnn-s1-e002"), Store.open(store).manifest().models());

    float[] stored = new float[10];
    try (BufferAllocator allocator = new RootAllocator();
        LayerReader reader = Store.open(store).openLayer(logits, allocator)) {
      assertTrue(reader.nextBatch());
      assertEquals(3, reader.sampleId(3));
      reader.copyVector(3, stored, 0);
    }
    float[] input = new float[28 * 28];
    for (int p = 0; p < input.length; p++) input[p] = SmallIdx.pixel(3, p) / 255f;
    try (BuiltinModel model = BuiltinModels.load(checkpoint, Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray batch = manager.create(input, new Shape(1, 1, 28, 28));
      float[] direct = model.forward(batch, Set.of("logits")).get("logits").toFloatArray();
      for (int i = 0; i < 10; i++)
        assertEquals(direct[i], stored[i], 1e-5 * Math.max(1, Math.abs(direct[i])), "logit " + i);
    }
  }

  @Test
  void theSameCommandGivesTheSameWeights() throws Exception {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    assertEquals(0, train(first).status());
    Cli.Result r = train(second);
    assertEquals(0, r.status(), r.err());
    // without --checkpoints: the last epoch only
    assertEquals(List.of("cnn-s1-e002.json", "cnn-s1-e002.params"), files(second));
    assertArrayEquals(
        Files.readAllBytes(first.resolve("cnn-s1-e002.params")),
        Files.readAllBytes(second.resolve("cnn-s1-e002.params")));
    // another seed, other weights
    Path other = dir.resolve("other");
    r =
        Cli.run(
            "train",
            "--arch",
            "cnn",
            "--seed",
            "2",
            "--epochs",
            "1",
            "--subset",
            "64",
            "--data",
            images.toString(),
            "--out",
            other.toString(),
            "--device",
            "cpu");
    assertEquals(0, r.status(), r.err());
    r =
        Cli.run(
            "train",
            "--arch",
            "cnn",
            "--seed",
            "1",
            "--epochs",
            "1",
            "--subset",
            "64",
            "--data",
            images.toString(),
            "--out",
            first.toString(),
            "--device",
            "cpu");
    assertEquals(0, r.status(), r.err());
    assertFalse(
        Arrays.equals(
            Files.readAllBytes(first.resolve("cnn-s1-e001.params")),
            Files.readAllBytes(other.resolve("cnn-s2-e001.params"))));
  }

  @Test
  void badArgumentsAreRefusedBeforeTraining() throws Exception {
    Path out = dir.resolve("models");
    Cli.Result r =
        Cli.run(
            "train",
            "--arch",
            "vgg",
            "--epochs",
            "1",
            "--data",
            images.toString(),
            "--out",
            out.toString(),
            "--device",
            "cpu");
    assertTrue(r.status() == 1 || r.status() == 2, r.err());
    assertTrue(
        r.err().contains("vgg")
            && r.err().contains(String.join(", ", BuiltinModels.architectures())),
        r.err());
    assertTrue(BuiltinModels.architectures().containsAll(List.of("cnn", "resnet")));

    r = train(out, "--checkpoints", "1,5");
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("checkpoint epoch 5") && r.err().contains("0..2"), r.err());
    assertFalse(r.err().contains("internal error"), r.err());

    r =
        Cli.run(
            "train",
            "--arch",
            "cnn",
            "--epochs",
            "1",
            "--subset",
            "500",
            "--data",
            images.toString(),
            "--out",
            out.toString(),
            "--device",
            "cpu");
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("500") && r.err().contains(String.valueOf(IMAGES)), r.err());
    assertEquals(List.of(), files(out));
  }
}

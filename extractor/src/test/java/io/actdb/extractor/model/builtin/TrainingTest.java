package io.actdb.extractor.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.actdb.extractor.ExtractorException;
import io.actdb.extractor.data.SampleSource;
import io.actdb.extractor.data.SampleSources;
import io.actdb.storage.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingTest {
  @TempDir Path dir;

  /** Records what the listener hears. */
  private static final class Log implements Training.Listener {
    final List<Double> losses = new ArrayList<>();
    final List<Integer> saved = new ArrayList<>();

    @Override
    public void epochDone(int epoch, double loss, double accuracy, double seconds) {
      assertEquals(losses.size() + 1, epoch);
      losses.add(loss);
    }

    @Override
    public void checkpointSaved(int epoch, Path paramsFile) {
      saved.add(epoch);
    }
  }

  /** Share of the first {@code n} test images the model classifies right, in inference mode. */
  private static double accuracy(BuiltinModel model, int n) {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray logits =
          model.forward(TestImages.batch(manager, 0, n), Set.of("logits")).get("logits");
      long[] predicted = logits.argMax(1).toLongArray();
      int right = 0;
      for (int i = 0; i < n; i++) if (predicted[i] == TestImages.source().label(i)) right++;
      return (double) right / n;
    }
  }

  @Test
  void trainingLowersTheLossAndLearnsTheSubset() throws Exception {
    int n = 500;
    Training.Config config =
        Training.Config.of("cnn", 1, 4, dir)
            .withSubsetSize(n)
            .withBatchSize(32)
            .withCheckpointEpochs(new TreeSet<>(List.of(0, 4)));
    Log log = new Log();
    List<Path> saved = Training.run(config, TestImages.source(), Device.cpu(), log);

    assertEquals(
        List.of(dir.resolve("cnn-s1-e000.params"), dir.resolve("cnn-s1-e004.params")), saved);
    assertEquals(List.of(0, 4), log.saved);
    assertEquals(4, log.losses.size());
    assertTrue(log.losses.getLast() < 0.7 * log.losses.getFirst(), "losses " + log.losses);

    try (BuiltinModel init = BuiltinModels.load(saved.getFirst(), Device.cpu());
        BuiltinModel trained = BuiltinModels.load(saved.getLast(), Device.cpu())) {
      assertEquals("cnn-s1-e004", trained.name());
      CheckpointInfo info = trained.checkpoint().orElseThrow();
      assertEquals(4, info.epoch());
      assertEquals(n, info.trainSubsetSize());
      assertEquals(log.losses.getLast(), info.loss(), 1e-12);
      assertNull(init.checkpoint().orElseThrow().loss());
      double before = accuracy(init, n);
      double after = accuracy(trained, n);
      assertTrue(after > 0.5 && after > before + 0.3, "accuracy " + before + " → " + after);
    }
  }

  @Test
  void initialCheckpointIsTheFreshModel() throws Exception {
    Training.Config config =
        Training.Config.of("resnet", 3, 1, dir)
            .withSubsetSize(8)
            .withCheckpointEpochs(new TreeSet<>(List.of(0)));
    Path init =
        Training.run(config, TestImages.source(), Device.cpu(), Training.Listener.NONE).getFirst();
    try (BuiltinModel loaded = BuiltinModels.load(init, Device.cpu());
        BuiltinModel fresh = BuiltinModels.create("resnet", 3, Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray batch = TestImages.batch(manager, 0, 2);
      assertArrayEquals(
          fresh.forward(batch, Set.of("logits")).get("logits").toFloatArray(),
          loaded.forward(batch, Set.of("logits")).get("logits").toFloatArray());
    }
  }

  @Test
  void sameSeedTrainsTheSameParameters() throws Exception {
    byte[] a = trainResnet(5, "a");
    byte[] b = trainResnet(5, "b");
    byte[] c = trainResnet(6, "c");
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
  }

  private byte[] trainResnet(long seed, String run) throws Exception {
    Training.Config config =
        Training.Config.of("resnet", seed, 2, dir).withSubsetSize(96).withRunName(run);
    return Files.readAllBytes(
        Training.run(config, TestImages.source(), Device.cpu(), Training.Listener.NONE).getFirst());
  }

  @Test
  void badConfigurationsFailBeforeTraining() throws Exception {
    SampleSource images = TestImages.source();
    Training.Config ok = Training.Config.of("cnn", 1, 3, dir).withSubsetSize(10);
    assertRefused(
        ok.withCheckpointEpochs(new TreeSet<>(List.of(2, 5))), images, "checkpoint epoch 5");
    assertRefused(ok.withSubsetSize(10_001), images, "10001");
    assertRefused(Training.Config.of("lenet", 1, 3, dir), images, "cnn, cnn-wide, resnet");
    assertRefused(Training.Config.of("cnn", 1, 0, dir), images, "epochs");
    assertRefused(ok.withBatchSize(0), images, "batch size");
    assertRefused(ok, colour(SampleSources.range(images, 0, 10)), "3×28×28");
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "nothing written");
    }
  }

  private static void assertRefused(Training.Config config, SampleSource source, String what) {
    ExtractorException e =
        assertThrows(
            ExtractorException.class,
            () -> Training.run(config, source, Device.cpu(), Training.Listener.NONE));
    assertTrue(e.getMessage().contains(what), e.getMessage());
  }

  /** The same samples claiming three channels. */
  private static SampleSource colour(SampleSource grey) {
    return new SampleSource() {
      @Override
      public String description() {
        return "colour";
      }

      @Override
      public int size() {
        return grey.size();
      }

      @Override
      public int channels() {
        return 3;
      }

      @Override
      public int height() {
        return 28;
      }

      @Override
      public int width() {
        return 28;
      }

      @Override
      public Sample sample(int i) {
        return grey.sample(i);
      }

      @Override
      public void read(int i, float[] target, int offset) {
        throw new AssertionError("read before the shape check");
      }
    };
  }
}

package io.actdb.extractor.model.builtin;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.actdb.extractor.ExtractorException;
import io.actdb.extractor.data.SampleSource;
import io.actdb.extractor.model.LibTorchSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Trains a built-in architecture from its seeded initialisation with Adam and softmax
 * cross-entropy, saving checkpoints at chosen epochs ({@code <run>-e005.params} + {@code .json}).
 *
 * <p>A run is deterministic on the CPU: the seed fixes the initial weights and the order in which
 * each epoch visits the samples, and nothing else draws random numbers (no dropout, no
 * augmentation, DJL's global generator is not used).
 */
public final class Training {
  private Training() {}

  /** Hears about progress; called on the training thread. */
  public interface Listener {
    /**
     * @param loss mean training cross-entropy over the epoch
     * @param accuracy training accuracy over the epoch, 0..1
     * @param seconds wall time of the epoch
     */
    void epochDone(int epoch, double loss, double accuracy, double seconds);

    void checkpointSaved(int epoch, Path paramsFile);

    /**
     * A batch finished: {@code samplesDone} of the epoch's {@code samplesInEpoch} are trained on.
     * For progress bars; called after every Adam step.
     */
    default void batchDone(int epoch, int samplesDone, int samplesInEpoch) {}

    Listener NONE =
        new Listener() {
          @Override
          public void epochDone(int epoch, double loss, double accuracy, double seconds) {}

          @Override
          public void checkpointSaved(int epoch, Path paramsFile) {}
        };
  }

  /**
   * What to train.
   *
   * @param architecture one of {@link BuiltinModels#architectures()}
   * @param seed initialisation and shuffling
   * @param epochs passes over the subset, at least 1
   * @param subsetSize train on the first this many samples of the source, so that runs with
   *     different seeds see the same images; 0 means all of them
   * @param batchSize samples per Adam step (default 64); the last batch of an epoch may be smaller
   * @param learningRate Adam's learning rate (default 1e-3)
   * @param checkpointEpochs after which epochs to save (0 = the initialisation); default: the last
   * @param outputDir where checkpoints go; created if missing
   * @param runName checkpoint base names start with it; default {@code <architecture>-s<seed>}
   */
  public record Config(
      String architecture,
      long seed,
      int epochs,
      int subsetSize,
      int batchSize,
      float learningRate,
      SortedSet<Integer> checkpointEpochs,
      Path outputDir,
      String runName) {

    public static final int ALL_SAMPLES = 0;
    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final float DEFAULT_LEARNING_RATE = 1e-3f;

    public Config {
      Objects.requireNonNull(architecture, "architecture");
      Objects.requireNonNull(outputDir, "outputDir");
      Objects.requireNonNull(runName, "runName");
      checkpointEpochs = Collections.unmodifiableSortedSet(new TreeSet<>(checkpointEpochs));
    }

    /**
     * The defaults: all samples, batch 64, learning rate 1e-3, a checkpoint after the last epoch.
     */
    public static Config of(String architecture, long seed, int epochs, Path outputDir) {
      return new Config(
          architecture,
          seed,
          epochs,
          ALL_SAMPLES,
          DEFAULT_BATCH_SIZE,
          DEFAULT_LEARNING_RATE,
          new TreeSet<>(List.of(epochs)),
          outputDir,
          architecture + "-s" + seed);
    }

    public Config withSubsetSize(int size) {
      return new Config(
          architecture,
          seed,
          epochs,
          size,
          batchSize,
          learningRate,
          checkpointEpochs,
          outputDir,
          runName);
    }

    public Config withBatchSize(int size) {
      return new Config(
          architecture,
          seed,
          epochs,
          subsetSize,
          size,
          learningRate,
          checkpointEpochs,
          outputDir,
          runName);
    }

    public Config withLearningRate(float rate) {
      return new Config(
          architecture,
          seed,
          epochs,
          subsetSize,
          batchSize,
          rate,
          checkpointEpochs,
          outputDir,
          runName);
    }

    public Config withCheckpointEpochs(SortedSet<Integer> at) {
      return new Config(
          architecture, seed, epochs, subsetSize, batchSize, learningRate, at, outputDir, runName);
    }

    public Config withRunName(String name) {
      return new Config(
          architecture,
          seed,
          epochs,
          subsetSize,
          batchSize,
          learningRate,
          checkpointEpochs,
          outputDir,
          name);
    }

    /** The base name of the checkpoint after {@code epoch}, e.g. {@code cnn-s1-e005}. */
    public String checkpointName(int epoch) {
      return String.format("%s-e%03d", runName, epoch);
    }
  }

  /**
   * Trains and returns the parameter files written, in epoch order.
   *
   * @param train the labelled samples; the first {@code subsetSize} are used
   * @throws ExtractorException before training starts when the configuration or the source does not
   *     fit (unknown architecture, checkpoint epoch beyond the run, wrong input shape, ...)
   */
  public static List<Path> run(Config config, SampleSource train, Device device, Listener listener)
      throws IOException {
    Architecture architecture = BuiltinModels.find(config.architecture());
    int size = TrainingChecks.check(config, architecture, train);
    TrainingData data = TrainingData.read(train, size, Architecture.CLASSES);
    Shape sample = new Shape(architecture.channels(), architecture.height(), architecture.width());
    List<Path> saved = new ArrayList<>();
    LibTorchSettings.startEngine();
    try (NDManager manager = NDManager.newBaseManager(device)) {
      NamedLayers block = BuiltinModels.initialise(architecture, config.seed(), manager);
      ParameterStore store = new ParameterStore(manager, false);
      Optimizer adam =
          Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build();
      List<Parameter> trainable =
          block.getParameters().values().stream().filter(Parameter::requiresGradient).toList();
      Random shuffle = new Random(config.seed());
      if (config.checkpointEpochs().contains(0)) {
        saved.add(save(block, config, train, size, 0, null, null, listener));
      }
      for (int epoch = 1; epoch <= config.epochs(); epoch++) {
        long start = System.nanoTime();
        int[] order = permutation(size, shuffle);
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < size; from += config.batchSize()) {
          int to = Math.min(size, from + config.batchSize());
          try (NDManager step = manager.newSubManager()) {
            NDArray x =
                step.create(data.inputs(order, from, to), new Shape(to - from).addAll(sample));
            NDArray y = step.create(data.labels(order, from, to));
            NDArray logits;
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
              logits = block.forward(store, new NDList(x), true).singletonOrThrow();
              NDArray loss = LOSS.evaluate(new NDList(y), new NDList(logits));
              collector.backward(loss);
              lossSum += loss.getFloat() * (to - from);
            }
            correct += logits.argMax(1).eq(y).countNonzero().getLong();
            for (Parameter p : trainable) {
              NDArray weight = p.getArray();
              // the PyTorch engine zeroes the gradient inside the update
              try (NDArray gradient = weight.getGradient()) {
                adam.update(p.getId(), weight, gradient);
              }
            }
          }
          listener.batchDone(epoch, to, size);
        }
        double loss = lossSum / size;
        double accuracy = (double) correct / size;
        listener.epochDone(epoch, loss, accuracy, (System.nanoTime() - start) / 1e9);
        if (config.checkpointEpochs().contains(epoch)) {
          saved.add(save(block, config, train, size, epoch, loss, accuracy, listener));
        }
      }
    }
    return saved;
  }

  private static final Loss LOSS = Loss.softmaxCrossEntropyLoss();

  private static Path save(
      NamedLayers block,
      Config config,
      SampleSource train,
      int size,
      int epoch,
      Double loss,
      Double accuracy,
      Listener listener)
      throws IOException {
    Engine engine = Engine.getInstance();
    CheckpointInfo info =
        new CheckpointInfo(
            CheckpointInfo.FORMAT,
            config.architecture(),
            config.seed(),
            epoch,
            train.description(),
            size,
            config.batchSize(),
            config.learningRate(),
            loss,
            accuracy,
            Engine.getDjlVersion(),
            engine.getEngineName(),
            engine.getVersion());
    Path params = Checkpoint.write(block, info, config.outputDir(), config.checkpointName(epoch));
    listener.checkpointSaved(epoch, params);
    return params;
  }

  /** A Fisher–Yates shuffle of 0..n-1. */
  private static int[] permutation(int n, Random random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}

package io.actdb.cli;

import ai.djl.Device;
import io.actdb.extractor.data.DataSets;
import io.actdb.extractor.data.SampleSource;
import io.actdb.extractor.model.Devices;
import io.actdb.extractor.model.builtin.BuiltinModels;
import io.actdb.extractor.model.builtin.Training;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code actdb train}: trains a built-in model and saves checkpoints for {@code actdb extract}. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train a built-in model (DJL Block API) on a labelled data set and save checkpoints.",
      "Each checkpoint is <out>/<name>-e<epoch>.params with a .json beside it (architecture, seed,"
          + " epoch, subset, accuracy); pass the .params file to `actdb extract --model`. The same"
          + " seed gives the same weights; every seed sees the same subset (the first N samples).",
    },
    footer = {
      "",
      "Examples:",
      "  ./actdb train --arch cnn --seed 1 --epochs 10 --checkpoints 5,10 \\",
      "      --data fashion-mnist:test --limit 5000 --out models",
    })
final class TrainCommand extends ActdbCommand {
  @Option(
      names = "--arch",
      required = true,
      paramLabel = "<name>",
      description = "Architecture: ${COMPLETION-CANDIDATES}.",
      completionCandidates = Architectures.class)
  String architecture;

  @Option(
      names = "--data",
      defaultValue = "fashion-mnist:train",
      paramLabel = "<path|name>",
      description = "Training data (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of the weights and the shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--epochs",
      defaultValue = "10",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--subset",
      paramLabel = "N",
      description = "Train on the first N samples only (default: all).")
  Integer subset;

  @Option(
      names = "--checkpoints",
      split = ",",
      paramLabel = "<epochs>",
      description = "Epochs after which to save a checkpoint (default: the last).")
  List<Integer> checkpoints = List.of();

  @Option(
      names = "--batch",
      defaultValue = "64",
      paramLabel = "N",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "0.001",
      description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(
      names = "--out",
      defaultValue = "models",
      paramLabel = "<dir>",
      description = "Checkpoint folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--name",
      paramLabel = "<run>",
      description = "Run name (default: <arch>-s<seed>).")
  String name;

  @Option(
      names = "--device",
      defaultValue = "auto",
      paramLabel = "auto|cpu|gpu",
      description = "Where to train (default: ${DEFAULT-VALUE}).")
  String device;

  static final class Architectures implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return BuiltinModels.architectures().iterator();
    }
  }

  @Override
  protected void execute() throws Exception {
    SampleSource source = DataSets.open(data);
    Device dev = Devices.resolve(device);
    int n = subset == null ? source.size() : subset;
    TreeSet<Integer> at = new TreeSet<>(checkpoints.isEmpty() ? List.of(epochs) : checkpoints);
    String run = name != null ? name : architecture + "-s" + seed;
    Training.Config config =
        new Training.Config(architecture, seed, epochs, n, batch, learningRate, at, out, run);
    out()
        .printf(
            "training %s on %d samples of %s, %d epochs, seed %d, on %s%n",
            architecture, n, source.description(), epochs, seed, dev);
    out().flush();
    List<Path> saved;
    try (TrainingProgress progress =
        new TrainingProgress(err(), run, epochs) {
          @Override
          public void epochDone(int epoch, double loss, double accuracy, double seconds) {
            super.epochDone(epoch, loss, accuracy, seconds);
            out()
                .printf(
                    "  epoch %3d  loss %.4f  train accuracy %.4f  %.1f s%n",
                    epoch, loss, accuracy, seconds);
            out().flush();
          }

          @Override
          public void checkpointSaved(int epoch, Path file) {
            out().printf("  saved %s%n", file);
            out().flush();
          }
        }) {
      saved = Training.run(config, source, dev, progress);
    }
    out().printf("%d checkpoint(s) in %s%n", saved.size(), out);
  }
}

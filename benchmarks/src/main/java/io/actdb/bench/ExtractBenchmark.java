package io.actdb.bench;

import ai.djl.Device;
import io.actdb.cli.CommandFailure;
import io.actdb.extractor.Extraction;
import io.actdb.extractor.Extraction.Pooling;
import io.actdb.extractor.Extraction.Summary;
import io.actdb.extractor.data.SampleSource;
import io.actdb.extractor.model.TorchScriptModel;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code actdb bench extract}: ResNet-18 (random weights, exported as TorchScript by Debian's
 * python3-torch) at 224×224, through {@code actdb}'s extraction into a store, and through PyTorch
 * itself on the same file, in the same sitting.
 */
@Command(
    name = "extract",
    mixinStandardHelpOptions = true,
    description = {
      "Images/s of a ResNet-18 TorchScript model at 224x224 on the CPU: actdb's extraction of all"
          + " its layers into a store (inputs in memory, maps average-pooled) against the same"
          + " model run by python3-torch. Needs python3 with torch and torchvision (Debian:"
          + " python3-torch python3-torchvision) to export the model.",
    })
final class ExtractBenchmark extends Benchmark {
  @Option(names = "--batch", description = "Images per forward (default: ${DEFAULT-VALUE}).")
  int batch = 32;

  @Option(names = "--batches", description = "Timed batches (default: ${DEFAULT-VALUE}).")
  int batches = 10;

  @Option(
      names = "--python",
      description = "Python with torch (default: python3 on PATH, else /usr/bin/python3).")
  String python;

  private static final List<String> LAYERS =
      List.of("layer1", "layer2", "layer3", "layer4", "avgpool", "fc");
  private static final int WARM_UP_BATCHES = 3;

  @Override
  protected void execute() throws Exception {
    if (batch < 1 || batches < 1)
      throw new CommandFailure("bench extract needs --batch >= 1 and --batches >= 1");
    Path dir = Files.createTempDirectory("actdb-bench-extract");
    try {
      String py = python != null ? python : findTorchPython();
      print("benchmark", "extract");
      print("batch", batch);
      print("batches", batches);
      print("threads", Runtime.getRuntime().availableProcessors());
      Path model = dir.resolve("resnet18_layers.pt");
      Map<String, String> export = runPython(py, dir, "export_resnet18.py", model.toString());
      print("torch_version", export.getOrDefault("torch_version", "?"));
      // PyTorch first, then actdb, then PyTorch again: the machine's load drifts.
      double torch1 = torchImagesPerSecond(py, dir, model);
      Summary actdb = actdbRun(model, dir);
      double torch2 = torchImagesPerSecond(py, dir, model);
      double torch = (torch1 + torch2) / 2;
      print("torch_images_per_s_runs", String.format(Locale.ROOT, "%.2f,%.2f", torch1, torch2));
      print("torch_images_per_s", torch);
      print("actdb_images_per_s", actdb.samplesPerSecond());
      print("actdb_to_torch", actdb.samplesPerSecond() / torch);
      print("actdb_seconds", actdb.seconds());
      print("actdb_model_seconds", actdb.computeSeconds());
      print("actdb_write_seconds", actdb.writeSeconds());
      print("write_share", actdb.writeSeconds() / actdb.seconds());
      long bytes = actdb.written().stream().mapToLong(e -> e.bytes()).sum();
      print("store_mb", bytes / 1e6);
    } finally {
      DirectoryTree.delete(dir);
    }
  }

  private Summary actdbRun(Path modelFile, Path dir) throws IOException {
    Device cpu = Device.cpu();
    try (TorchScriptModel model = TorchScriptModel.load(modelFile, cpu, LAYERS, 3, 224, 224);
        BufferAllocator allocator = new RootAllocator()) {
      // Warm-up: PyTorch's graph executor optimises during the first calls, as in bench_torch.py.
      try (StoreWriter w = StoreWriter.open(dir.resolve("warm-up"), allocator)) {
        Extraction.run(
            model,
            randomImages(WARM_UP_BATCHES * batch),
            w,
            cpu,
            options(),
            new Extraction.Progress() {});
      }
      try (StoreWriter w = StoreWriter.open(dir.resolve("store"), allocator)) {
        return Extraction.run(
            model, randomImages(batches * batch), w, cpu, options(), new Extraction.Progress() {});
      }
    }
  }

  private Extraction.Options options() {
    return new Extraction.Options("resnet18", LAYERS, batch, Pooling.AVG, true);
  }

  /** Uniform [0, 1) images from a fixed seed, generated as they are read. */
  private static SampleSource randomImages(int n) {
    return new SampleSource() {
      @Override
      public String description() {
        return "random 224x224 images";
      }

      @Override
      public int size() {
        return n;
      }

      @Override
      public int channels() {
        return 3;
      }

      @Override
      public int height() {
        return 224;
      }

      @Override
      public int width() {
        return 224;
      }

      @Override
      public Sample sample(int i) {
        return new Sample(i, "bench", null, null, "random");
      }

      @Override
      public void read(int i, float[] target, int offset) {
        SplittableRandom random = new SplittableRandom(i);
        for (int k = 0; k < valuesPerSample(); k++)
          target[offset + k] = (float) random.nextDouble();
      }
    };
  }

  private double torchImagesPerSecond(String py, Path dir, Path model) throws Exception {
    Map<String, String> r =
        runPython(
            py,
            dir,
            "bench_torch.py",
            model.toString(),
            "--batch",
            "" + batch,
            "--batches",
            "" + batches,
            "--threads",
            "" + Runtime.getRuntime().availableProcessors());
    return Double.parseDouble(r.get("torch_images_per_s"));
  }

  private static String findTorchPython() throws CommandFailure {
    for (String candidate : List.of("python3", "/usr/bin/python3")) {
      try {
        Process p =
            new ProcessBuilder(candidate, "-c", "import torch, torchvision")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() == 0) return candidate;
      } catch (IOException | InterruptedException e) {
        // not there: try the next
      }
    }
    throw new CommandFailure(
        "actdb: bench extract needs python3 with torch and torchvision (Debian: apt install"
            + " python3-torch python3-torchvision), or --python <interpreter>");
  }

  /** Runs one of the bundled scripts; a failure stops the benchmark with the script's output. */
  private static Map<String, String> runPython(String py, Path dir, String script, String... args)
      throws Exception {
    try {
      return BundledScript.run(py, dir, script, args);
    } catch (BundledScript.Failed e) {
      throw new CommandFailure("actdb: " + script + " failed:\n" + e.output.strip());
    } catch (IOException e) {
      throw new CommandFailure(
          "actdb: bench extract cannot run " + py + " (" + e.getMessage() + ")");
    }
  }
}

package io.actdb.bench;

import ai.djl.Device;
import io.actdb.cli.CommandFailure;
import io.actdb.extractor.Extraction;
import io.actdb.extractor.Extraction.Pooling;
import io.actdb.extractor.Extraction.Summary;
import io.actdb.extractor.data.SampleSource;
import io.actdb.extractor.data.TextSources;
import io.actdb.extractor.model.TorchScriptModel;
import io.actdb.extractor.model.onnx.PretrainedModel;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * itself on the same file, in the same sitting. With {@code --model}, a text encoder against plain
 * ONNX Runtime instead ({@link TextExtractBenchmark}).
 */
@Command(
    name = "extract",
    mixinStandardHelpOptions = true,
    header = "Times extraction against PyTorch (images) or ONNX Runtime (text encoders).",
    footer = {
      "",
      "Examples:",
      "  ./actdb bench extract",
      "  ./actdb bench extract --model minilm-l6 --rounds 3"
    },
    description = {
      "Images/s of a ResNet-18 TorchScript model at 224x224 on the CPU: actdb's extraction of all"
          + " its layers into a store (inputs in memory, maps average-pooled) against the same"
          + " model run by python3-torch. Needs python3 with torch and torchvision (Debian:"
          + " python3-torch python3-torchvision) to export the model.",
      "With --model (a text encoder: a pretrained shortcut such as minilm-l6, or an .onnx file"
          + " taking token sequences): sentences/s of actdb's text extraction of every default"
          + " layer into a store against the unmodified model in a plain ONNX Runtime session, on"
          + " the same batches, tokenization timed in both.",
    })
final class ExtractBenchmark extends Benchmark {
  @Option(names = "--batch", description = "Images per forward (default: ${DEFAULT-VALUE}).")
  int batch = 32;

  @Option(names = "--batches", description = "ResNet-18: timed batches (default: 10).")
  Integer batches;

  @Option(
      names = "--python",
      description =
          "ResNet-18: Python with torch (default: python3 on PATH, else /usr/bin/python3).")
  String python;

  @Option(
      names = "--model",
      description =
          "A text encoder instead of ResNet-18: minilm-l6, bge-small, e5-small or an .onnx file.")
  String model;

  @Option(
      names = "--data",
      description =
          "With --model: the texts (default: sentences, the embedded set); as for extract.")
  String data;

  @Option(names = "--text-column", description = "With --model: the text column of a data file.")
  String textColumn;

  @Option(
      names = "--tokenizer",
      description =
          "With --model: its tokenizer.json (default: the shortcut's, or the one beside the file).")
  Path tokenizer;

  @Option(
      names = "--max-length",
      description = "With --model: tokens per text at most (default: 128).")
  Integer maxLength;

  @Option(
      names = "--rounds",
      description = "With --model: timed rounds of each side, alternating (default: 3).")
  Integer rounds;

  @Option(names = "--limit", description = "With --model: time only the first N texts.")
  Integer limit;

  private static final List<String> LAYERS =
      List.of("layer1", "layer2", "layer3", "layer4", "avgpool", "fc");
  private static final int WARM_UP_BATCHES = 3;

  @Override
  protected void execute() throws Exception {
    if (model != null) {
      executeText();
      return;
    }
    List<String> textOnly = new ArrayList<>();
    if (data != null) textOnly.add("--data");
    if (textColumn != null) textOnly.add("--text-column");
    if (tokenizer != null) textOnly.add("--tokenizer");
    if (maxLength != null) textOnly.add("--max-length");
    if (rounds != null) textOnly.add("--rounds");
    if (limit != null) textOnly.add("--limit");
    if (!textOnly.isEmpty()) {
      throw new CommandFailure(
          "actdb: bench extract: "
              + String.join(", ", textOnly)
              + " apply to text encoders; add --model (e.g. --model minilm-l6)");
    }
    if (batches == null) batches = 10;
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

  private void executeText() throws Exception {
    if (batches != null || python != null) {
      throw new CommandFailure(
          "actdb: bench extract --model: --batches and --python apply to the ResNet-18 benchmark;"
              + " a text encoder is timed over the whole text set (--limit N takes its first N)");
    }
    if (PretrainedModel.byShortcut(model) == null
        && !model.toLowerCase(Locale.ROOT).endsWith(".onnx")) {
      throw new CommandFailure(
          "actdb: bench extract --model "
              + model
              + ": expected a pretrained text encoder ("
              + PretrainedModel.shortcuts()
              + ") or an .onnx file taking token sequences");
    }
    if (data == null) data = "sentences";
    if (maxLength == null) maxLength = 128;
    if (rounds == null) rounds = 3;
    if (batch < 1 || rounds < 1 || (limit != null && limit < 1)) {
      throw new CommandFailure(
          "actdb: bench extract --model needs --batch >= 1, --rounds >= 1 and --limit >= 1");
    }
    if (!TextSources.isText(data)) {
      throw new CommandFailure(
          "actdb: bench extract --model: --data "
              + data
              + " is not a text set; accepted: "
              + TextSources.FORMS);
    }
    new TextExtractBenchmark(this).run();
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

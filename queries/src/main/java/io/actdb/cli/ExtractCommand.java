package io.actdb.cli;

import ai.djl.Device;
import io.actdb.cli.table.TextTable;
import io.actdb.cli.table.TextTable.Column;
import io.actdb.extractor.Extraction;
import io.actdb.extractor.Extraction.Pooling;
import io.actdb.extractor.Extraction.Summary;
import io.actdb.extractor.data.DataSets;
import io.actdb.extractor.data.SampleSource;
import io.actdb.extractor.data.TextColumns;
import io.actdb.extractor.data.TextRows;
import io.actdb.extractor.data.TextSource;
import io.actdb.extractor.data.TextSources;
import io.actdb.extractor.model.ActivationModel;
import io.actdb.extractor.model.Devices;
import io.actdb.extractor.model.ModelLoader;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.StoreNames;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code actdb extract}: a model's layers over a data set, into a store. */
@Command(
    name = "extract",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a model over a data set and store the activations of its layers.",
      "Convolutional maps are globally average-pooled (or flattened with --pool flatten). The"
          + " layers appear in the store only when the whole pass succeeded; run the same"
          + " command again after an interruption and it restarts, skipping layers already"
          + " complete for these samples.",
    },
    footer = {
      "",
      "Models: a built-in architecture (see `actdb train --help`), a checkpoint written by"
          + " `actdb train` (.params), a TorchScript file whose forward returns a dict of"
          + " named layers (or a tuple named with --outputs; see docs/torchscript.md), an ONNX"
          + " file (images or token sequences), or a pretrained encoder: minilm-l6, bge-small,"
          + " e5-small (`actdb models`; see docs/extract.md).",
      "Data: fashion-mnist (embedded test set, plus the training set when installed),"
          + " fashion-mnist:test, fashion-mnist:train, an IDX images file, or a folder with one"
          + " subfolder per class (ImageNet preprocessing: resize 256, centre crop 224,"
          + " normalise).",
      "Text data: sentences (2 500 labelled WordNet definitions, embedded), fortunes, wordnet"
          + " (Debian's fortunes-min and wordnet-base), or a .csv, .parquet or .jsonl file with"
          + " --text-column and optionally --label-column, --id-column, --split-column; see"
          + " docs/extract.md.",
      "",
      "Examples:",
      "  ./actdb extract --model models/cnn-s1-e010.params --data fashion-mnist:test \\",
      "      --store acts",
      "  ./actdb extract --model minilm-l6 --data sentences --store acts",
    })
final class ExtractCommand extends ActdbCommand {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "<file|builtin|shortcut>",
      description = "Model to run.")
  String model;

  @Option(
      names = "--data",
      defaultValue = "fashion-mnist",
      paramLabel = "<path|name>",
      description = "Data set (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(
      names = "--layers",
      split = ",",
      paramLabel = "<names|glob|re:regex|all>",
      description =
          "Layers to capture, comma-separated (default: all; for ONNX models a known layout's"
              + " layers, e.g. embeddings and every block of a BERT-style encoder, else the graph"
              + " outputs). ONNX models also take globs (layer*) and re:<regex>.")
  List<String> layers = List.of();

  @Option(
      names = "--store",
      paramLabel = "<dir>",
      description = "Store directory (created if missing).")
  Path store;

  @Option(
      names = "--device",
      defaultValue = "auto",
      paramLabel = "auto|cpu|gpu",
      description =
          "Where the model runs (default: ${DEFAULT-VALUE}: a GPU when PyTorch sees one).")
  String device;

  @Option(
      names = "--batch",
      defaultValue = "32",
      paramLabel = "N",
      description = "Samples per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--pool",
      paramLabel = "<how>",
      description =
          "How maps become vectors: avg or flatten (default: avg); for token sequences mean,"
              + " cls, last, max or none (one row per token) (default: mean).")
  String pool;

  @Option(
      names = "--name",
      paramLabel = "<model>",
      description =
          "Model name in the store (default: the file's base name, or <arch>-s<seed>-init).")
  String name;

  @Option(
      names = "--outputs",
      split = ",",
      paramLabel = "<names>",
      description = "Names of a TorchScript model's tuple outputs, in order.")
  List<String> outputs = List.of();

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of a fresh built-in model's weights (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--replace", description = "Rewrite layers the store already has.")
  boolean replace;

  @Option(
      names = "--list-layers",
      description =
          "Print an ONNX model's capturable tensors (graph order, op type, shape) and exit.")
  boolean listLayers;

  @Option(
      names = "--max-length",
      defaultValue = "128",
      paramLabel = "N",
      description =
          "Tokens per text at most; longer texts are cut and counted (default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(
      names = "--tokenizer",
      paramLabel = "<tokenizer.json>",
      description =
          "Tokenizer of a text model (default: the shortcut's own, or tokenizer.json beside the"
              + " .onnx file).")
  Path tokenizer;

  // ---- text data (--data naming a text set)

  @Option(
      names = "--text-column",
      paramLabel = "<column>",
      description = "Column of a text file holding the texts (default: text).")
  String textColumn;

  @Option(
      names = "--label-column",
      paramLabel = "<column>",
      description =
          "Column of a text file holding labels: integers are label indexes, other values label"
              + " names (numbered in sorted order).")
  String labelColumn;

  @Option(
      names = "--id-column",
      paramLabel = "<column>",
      description =
          "Column of a text file holding unique integer sample ids (default: the row number).")
  String idColumn;

  @Option(
      names = "--split-column",
      paramLabel = "<column>",
      description = "Column of a text file holding each row's split (train, test, ...).")
  String splitColumn;

  @Override
  protected void execute() throws Exception {
    if (OnnxExtraction.isOnnx(model)) {
      new OnnxExtraction(this).execute();
      return;
    }
    if (listLayers) {
      throw new CommandFailure(
          "actdb: --list-layers lists the tensors of ONNX models; " + model + " is not one");
    }
    if (store == null) throw new CommandFailure("actdb: extract needs --store <dir>");
    Pooling pooling =
        switch ((pool == null ? "avg" : pool).toLowerCase(Locale.ROOT)) {
          case "avg" -> Pooling.AVG;
          case "flatten" -> Pooling.FLATTEN;
          default ->
              throw new CommandFailure("actdb: --pool " + pool + ": expected avg or flatten");
        };
    if (batch < 1) throw new CommandFailure("actdb: --batch must be at least 1");
    if (name != null) StoreNames.check("model", name); // before the model loads or the store opens
    if (TextSources.isText(data)) {
      extractText(openTextData());
      return;
    }
    refuseTextColumnOptions();
    SampleSource source = DataSets.open(data);
    Device dev = Devices.resolve(device);
    Summary summary;
    try (ActivationModel m =
        ModelLoader.open(
            model, dev, outputs, seed, source.channels(), source.height(), source.width())) {
      // an unknown layer name is refused before the store directory is created or locked
      Extraction.chooseLayers(m, layers);
      try (InterruptCleanup interrupt = new InterruptCleanup()) {
        try (BufferAllocator allocator = new RootAllocator();
            StoreWriter writer = StoreWriter.open(store, allocator);
            ExtractProgress progress = new ExtractProgress(err())) {
          summary =
              Extraction.run(
                  m,
                  source,
                  writer,
                  dev,
                  new Extraction.Options(name, layers, batch, pooling, replace),
                  progress);
        } catch (IOException | RuntimeException e) {
          throw interrupt.interrupted() ? interrupted() : e;
        }
      }
    }
    printSummary(summary, dev);
  }

  /** The error of an extraction stopped by Ctrl-C, after its cleanup. */
  CommandFailure interrupted() {
    return new CommandFailure(
        "actdb: extract interrupted; "
            + store
            + " is as it was before this run (run the command again to extract)");
  }

  /**
   * The text set {@code --data} names, read before any model loads or the store opens, so that a
   * missing column or file leaves the store untouched; reports on stderr what was skipped.
   */
  TextSource openTextData() throws IOException {
    TextSource text =
        TextSources.open(data, new TextColumns(textColumn, labelColumn, idColumn, splitColumn));
    StringBuilder skipped = new StringBuilder();
    if (text.skippedEmpty() > 0) skipped.append(text.skippedEmpty()).append(" empty");
    if (text instanceof TextRows rows && rows.skippedTooLong() > 0) {
      if (!skipped.isEmpty()) skipped.append(", ");
      skipped.append(rows.skippedTooLong()).append(" too long");
    }
    err()
        .printf(
            "%s: %d texts%s%n",
            text.description(),
            text.size(),
            skipped.isEmpty() ? "" : " (skipped: " + skipped + ")");
    return text;
  }

  /** Text data for a model that is not an ONNX text model: refused, after the data was checked. */
  private void extractText(TextSource text) throws CommandFailure {
    throw new CommandFailure(
        "actdb: --data "
            + data
            + " is text, but model "
            + model
            + " takes images; text needs a model that takes token sequences");
  }

  private void refuseTextColumnOptions() {
    if (textColumn != null || labelColumn != null || idColumn != null || splitColumn != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--text-column, --label-column, --id-column and --split-column apply to text data"
              + " (.csv, .parquet, .jsonl); --data "
              + data
              + " is not text");
    }
  }

  void printSummary(Summary s, Device dev) {
    if (s.written().isEmpty()) {
      out().printf("%s: nothing to do, every requested layer is already in %s%n", s.model(), store);
      return;
    }
    out()
        .printf(
            "%s: %d samples in %.1f s (%.0f samples/s on %s) into %s%n",
            s.model(), s.samples(), s.seconds(), s.samplesPerSecond(), dev, store);
    out()
        .printf(
            "  busy time: reading %.1f s, model %.1f s, writing Arrow %.1f s (stages overlap)%n",
            s.readSeconds(), s.computeSeconds(), s.writeSeconds());
    TextTable table =
        new TextTable(
            List.of(
                Column.text("layer"),
                Column.number("dim"),
                Column.text("pooling"),
                Column.number("rows"),
                Column.number("MiB")),
            TextTable.Style.COLUMN);
    for (LayerEntry e : s.written()) {
      table.add(
          e.layer(),
          Integer.toString(e.dim()),
          e.pooling(),
          Long.toString(e.rows()),
          String.format("%.1f", e.bytes() / 1048576.0));
    }
    // indented under the line that names the model
    table.render().lines().forEach(line -> out().println("  " + line));
    if (!s.skipped().isEmpty())
      out().printf("  skipped (already stored): %s%n", String.join(", ", s.skipped()));
  }
}

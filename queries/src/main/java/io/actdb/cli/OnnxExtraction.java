package io.actdb.cli;

import ai.djl.Device;
import io.actdb.extractor.Extraction;
import io.actdb.extractor.Extraction.Pooling;
import io.actdb.extractor.Extraction.Summary;
import io.actdb.extractor.ExtractorException;
import io.actdb.extractor.TextExtraction;
import io.actdb.extractor.TextExtraction.TextSummary;
import io.actdb.extractor.TokenPooling;
import io.actdb.extractor.data.DataSets;
import io.actdb.extractor.data.SampleSource;
import io.actdb.extractor.data.TextSource;
import io.actdb.extractor.data.TextSources;
import io.actdb.extractor.model.onnx.OnnxModel;
import io.actdb.extractor.model.onnx.OnnxModel.InputKind;
import io.actdb.extractor.model.onnx.OnnxModel.Layer;
import io.actdb.extractor.model.onnx.OnnxSession;
import io.actdb.extractor.model.onnx.PretrainedModel;
import io.actdb.extractor.model.onnx.TextTokenizer;
import io.actdb.storage.StoreNames;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The ONNX side of {@code actdb extract}: a model file or pretrained shortcut, its layers listed or
 * chosen, run over images or texts. Kept apart from {@link ExtractCommand}'s own path so the two
 * can change independently.
 */
final class OnnxExtraction {
  private final ExtractCommand command;

  OnnxExtraction(ExtractCommand command) {
    this.command = command;
  }

  /** Whether {@code --model} names an ONNX model: a shortcut, a .onnx file, or ONNX bytes. */
  static boolean isOnnx(String model) {
    if (PretrainedModel.byShortcut(model) != null) return true;
    if (model.toLowerCase(Locale.ROOT).endsWith(".onnx")) return true;
    Path file = Path.of(model);
    return Files.isRegularFile(file)
        && !model.endsWith(".pt")
        && !model.endsWith(".params")
        && OnnxModel.looksLikeOnnx(file);
  }

  void execute() throws Exception {
    PretrainedModel pretrained = PretrainedModel.byShortcut(command.model);
    OnnxModel onnx =
        pretrained != null ? pretrained.read() : OnnxModel.read(Path.of(command.model));
    if (command.listLayers) {
      printLayers(onnx);
      return;
    }
    if (command.store == null) throw new CommandFailure("actdb: extract needs --store <dir>");
    if (command.batch < 1) throw new CommandFailure("actdb: --batch must be at least 1");
    if (command.name != null) StoreNames.check("model", command.name);
    List<Layer> chosen = onnx.select(command.layers);
    Device device = deviceOf(command.device);
    if (onnx.inputKind() == InputKind.TOKENS) {
      extractTexts(onnx, pretrained, chosen, device);
    } else {
      extractImages(onnx, chosen, device);
    }
  }

  private void printLayers(OnnxModel onnx) {
    var out = command.out();
    out.printf(
        "%s: %d capturable tensors in graph order; inputs: %s%n",
        onnx.name(),
        onnx.layers().size(),
        String.join(
            ", ", onnx.graph().feeds().stream().map(t -> t.name() + t.shapeText()).toList()));
    List<Layer> defaults = onnx.defaultLayers();
    out.printf("  %-4s %-16s %-60s %-18s %s%n", "pos", "layer", "tensor", "op", "shape");
    for (Layer l : onnx.layers()) {
      String layer = l.name().equals(l.tensor()) ? "" : l.name();
      out.printf(
          "%s %-4d %-16s %-60s %-18s %s%n",
          defaults.contains(l) ? "*" : " ", l.position(), layer, l.tensor(), l.opType(), l.shape());
    }
    out.printf(
        "* = taken when --layers is not given; --layers also takes globs (layer*) and"
            + " re:<regex>%n");
  }

  /** CPU unless a GPU is asked for (and ONNX Runtime's CUDA provider is here) or auto finds one. */
  static Device deviceOf(String choice) throws ExtractorException {
    String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
    return switch (c) {
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        OnnxSession.requireCuda();
        yield Device.gpu();
      }
      case "auto" -> {
        try {
          OnnxSession.requireCuda();
          yield Device.gpu();
        } catch (ExtractorException noCuda) {
          yield Device.cpu();
        }
      }
      default -> throw new ExtractorException("--device " + choice + ": expected auto, cpu or gpu");
    };
  }

  private void extractImages(OnnxModel onnx, List<Layer> chosen, Device device) throws Exception {
    String pool = command.pool == null ? "avg" : command.pool.toLowerCase(Locale.ROOT);
    Pooling pooling =
        switch (pool) {
          case "avg" -> Pooling.AVG;
          case "flatten" -> Pooling.FLATTEN;
          case "none", "mean", "cls", "last", "max" ->
              throw new CommandFailure(
                  "actdb: --pool "
                      + pool
                      + " applies to token sequences; "
                      + onnx.name()
                      + " takes images, whose layers are vectors or maps (pooled with avg or kept"
                      + " whole with flatten)");
          default ->
              throw new CommandFailure("actdb: --pool " + pool + ": expected avg or flatten");
        };
    if (command.tokenizer != null) {
      throw new CommandFailure(
          "actdb: --tokenizer applies to text models; " + onnx.name() + " takes images");
    }
    if (TextSources.isText(command.data)) {
      throw new CommandFailure(
          "actdb: --data " + command.data + " is a text set; " + onnx.name() + " takes images");
    }
    SampleSource source = DataSets.open(command.data);
    Summary summary;
    try (InterruptCleanup interrupt = new InterruptCleanup()) {
      try (OnnxSession session = OnnxSession.open(onnx, chosen, device);
          BufferAllocator allocator = new RootAllocator();
          StoreWriter writer = StoreWriter.open(command.store, allocator);
          ExtractProgress progress = new ExtractProgress(command.err())) {
        // the image path's arithmetic (pooling maps) runs on the CPU PyTorch engine
        summary =
            Extraction.run(
                session,
                source,
                writer,
                Device.cpu(),
                new Extraction.Options(
                    command.name, List.of(), command.batch, pooling, command.replace),
                progress);
      } catch (IOException | RuntimeException e) {
        throw interrupt.interrupted() ? command.interrupted() : e;
      }
    }
    command.printSummary(summary, device);
  }

  private void extractTexts(
      OnnxModel onnx, PretrainedModel pretrained, List<Layer> chosen, Device device)
      throws Exception {
    TokenPooling pooling =
        command.pool == null ? TokenPooling.MEAN : TokenPooling.parse(command.pool);
    if (pooling == null) {
      throw new CommandFailure(
          "actdb: --pool "
              + command.pool
              + ": "
              + onnx.name()
              + " takes token sequences; expected mean, cls, last, max or none");
    }
    if (!TextSources.isText(command.data)) {
      throw new CommandFailure(
          "actdb: --data "
              + command.data
              + ": "
              + onnx.name()
              + " takes token sequences; give a text set: "
              + TextSources.FORMS);
    }
    TextSource texts = openTexts();
    try (TextTokenizer tokenizer = tokenizerOf(onnx, pretrained)) {
      tokenizer.checkFits(onnx);
      if (pooling == TokenPooling.NONE) printTokenRowsSize(tokenizer, texts, chosen, pretrained);
      TextSummary result;
      try (InterruptCleanup interrupt = new InterruptCleanup()) {
        try (OnnxSession session = OnnxSession.open(onnx, chosen, device);
            BufferAllocator allocator = new RootAllocator();
            StoreWriter writer = StoreWriter.open(command.store, allocator);
            ExtractProgress progress = new ExtractProgress(command.err())) {
          result =
              TextExtraction.run(
                  session,
                  tokenizer,
                  texts,
                  writer,
                  new TextExtraction.Options(command.name, command.batch, pooling, command.replace),
                  progress);
        } catch (IOException | RuntimeException e) {
          throw interrupt.interrupted() ? command.interrupted() : e;
        }
      }
      command.printSummary(result.summary(), device);
      var out = command.out();
      if (result.tokens() > 0) {
        out.printf(
            "  tokens: %d (%.1f per text), padding %.1f %% of the batches; %d of %d texts cut at"
                + " --max-length %d%n",
            result.tokens(),
            result.tokens() / (double) texts.size(),
            100.0 * (result.paddedTokens() - result.tokens()) / result.paddedTokens(),
            result.truncated(),
            texts.size(),
            tokenizer.maxLength());
      }
      if (texts.skippedEmpty() > 0) {
        out.printf("  %d empty texts skipped (not in the store)%n", texts.skippedEmpty());
      }
    }
  }

  /**
   * What {@code --pool none} is about to store: one row per token and layer, rows × dim × 4 bytes.
   * Said before the run, since it is easily a hundred times the pooled size.
   */
  private void printTokenRowsSize(
      TextTokenizer tokenizer, TextSource texts, List<Layer> chosen, PretrainedModel pretrained) {
    long rows = TextExtraction.countTokens(tokenizer, texts);
    long bytes = 0;
    boolean known = true;
    for (Layer layer : chosen) {
      long dim = pretrained != null ? pretrained.dim() : lastDimension(layer.shape());
      if (dim <= 0) known = false;
      else bytes += rows * dim * Float.BYTES;
    }
    command
        .err()
        .printf(
            "--pool none: %d token rows (%.1f per text) in each of %d layers%s%n",
            rows,
            rows / (double) texts.size(),
            chosen.size(),
            known
                ? String.format(Locale.ROOT, ", %.1f MiB of vectors in all", bytes / 1048576.0)
                : " (rows × dim × 4 bytes per layer)");
    command.err().flush();
  }

  /** The last dimension of a shape text like {@code [batch, seq, 384]}, or -1 when not a number. */
  private static long lastDimension(String shape) {
    if (shape.isEmpty()) return -1;
    String last = shape.substring(shape.lastIndexOf(',') + 1).replace("]", "").replace("[", "");
    try {
      return Long.parseLong(last.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The text set of {@code --data}. (The column options join here with the text readers.) */
  private TextSource openTexts() throws IOException {
    return command.openTextData();
  }

  private TextTokenizer tokenizerOf(OnnxModel onnx, PretrainedModel pretrained)
      throws ExtractorException {
    if (command.tokenizer != null) return TextTokenizer.read(command.tokenizer, command.maxLength);
    if (pretrained != null) {
      return TextTokenizer.of(
          pretrained.tokenizerResource(), pretrained.tokenizerJson(), command.maxLength);
    }
    Path beside = Path.of(command.model).toAbsolutePath().resolveSibling("tokenizer.json");
    if (Files.isRegularFile(beside)) return TextTokenizer.read(beside, command.maxLength);
    throw new ExtractorException(
        onnx.source()
            + " takes token sequences, but no tokenizer was given and there is no tokenizer.json"
            + " beside it; give the model's own with --tokenizer FILE");
  }
}

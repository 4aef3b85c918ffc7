package io.actdb.bench;

import ai.djl.Device;
import io.actdb.cli.CommandFailure;
import io.actdb.extractor.Extraction;
import io.actdb.extractor.TextExtraction;
import io.actdb.extractor.TextExtraction.TextSummary;
import io.actdb.extractor.TokenPooling;
import io.actdb.extractor.data.TextColumns;
import io.actdb.extractor.data.TextSource;
import io.actdb.extractor.data.TextSources;
import io.actdb.extractor.model.onnx.OnnxModel;
import io.actdb.extractor.model.onnx.OnnxModel.InputKind;
import io.actdb.extractor.model.onnx.OnnxModel.Layer;
import io.actdb.extractor.model.onnx.OnnxSession;
import io.actdb.extractor.model.onnx.PretrainedModel;
import io.actdb.extractor.model.onnx.TextTokenizer;
import io.actdb.storage.LayerReader;
import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * {@code actdb bench extract --model M}: a text encoder (ONNX, token sequences) through actdb's
 * text extraction of every default layer into a store, against the unmodified model in a plain ONNX
 * Runtime session ({@link PlainOrtEncoder}) on the same batches, in the same JVM. Both sessions are
 * opened once, before any timing; each timed pass tokenizes its texts (tokenization is inside the
 * timed region for both). Rounds alternate which side goes first, and the medians are reported,
 * because the load of a shared machine drifts.
 */
final class TextExtractBenchmark {
  /** Largest difference allowed between the store's pooled last layer and the plain run's. */
  private static final double CHECK_TOLERANCE = 1e-4;

  private final ExtractBenchmark command;

  TextExtractBenchmark(ExtractBenchmark command) {
    this.command = command;
  }

  void run() throws Exception {
    TextSource data =
        TextSources.open(command.data, new TextColumns(command.textColumn, null, null, null));
    int count = command.limit == null ? data.size() : Math.min(command.limit, data.size());
    PretrainedModel pretrained = PretrainedModel.byShortcut(command.model);
    OnnxModel onnx =
        pretrained != null ? pretrained.read() : OnnxModel.read(Path.of(command.model));
    if (onnx.inputKind() != InputKind.TOKENS) {
      throw new CommandFailure(
          "actdb: bench extract --model "
              + command.model
              + ": the model takes images; the ONNX benchmark times text encoders (token"
              + " sequences). Without --model, bench extract times ResNet-18 against PyTorch.");
    }
    List<Layer> layers = onnx.defaultLayers();
    int threads = Runtime.getRuntime().availableProcessors();
    int warmUp = Math.min(count, command.batch * TextExtraction.WINDOW_BATCHES);
    Path dir = Files.createTempDirectory("actdb-bench-extract-text");
    try (TextTokenizer tokenizer = tokenizerOf(onnx, pretrained);
        OnnxSession actdb = OnnxSession.open(onnx, layers, Device.cpu());
        PlainOrtEncoder plain = new PlainOrtEncoder(modelBytes(pretrained), threads, false);
        PlainOrtEncoder capture =
            new PlainOrtEncoder(
                onnx.graph()
                    .withOutputs(
                        modelBytes(pretrained), layers.stream().map(Layer::tensor).toList()),
                threads,
                true);
        BufferAllocator allocator = new RootAllocator()) {
      tokenizer.checkFits(onnx);
      command.print("benchmark", "extract");
      command.print("model", onnx.name());
      command.print("data", data.description());
      command.print("texts", count);
      command.print("batch", command.batch);
      command.print("max_length", tokenizer.maxLength());
      command.print("layers", String.join(",", layers.stream().map(Layer::name).toList()));
      command.print("pool", TokenPooling.MEAN.storeName());
      command.printMachine();
      command.print("intra_op_threads", threads);
      command.print("onnxruntime_version", plain.runtimeVersion());
      command.print("ort_plain_outputs", String.join(",", plain.outputs()));
      command.print("tokenization", "timed_in_both");
      command.print("rounds", command.rounds);
      command.print("warm_up_texts", warmUp);

      extract(actdb, tokenizer, data, warmUp, dir.resolve("warm-up"), allocator);
      plain.run(tokenizer, data, warmUp, command.batch);
      capture.run(tokenizer, data, warmUp, command.batch);

      List<Round> rounds = new ArrayList<>();
      PlainOrtEncoder.Pass firstPlain = null;
      for (int r = 0; r < command.rounds; r++) {
        Path store = dir.resolve("round" + r);
        Timed actdbPass;
        PlainOrtEncoder.Pass plainPass;
        PlainOrtEncoder.Pass capturePass;
        // alternate the order: whichever side runs last would otherwise always meet the same
        // drift of the machine's load
        if (r % 2 == 0) {
          actdbPass = extract(actdb, tokenizer, data, count, store, allocator);
          plainPass = plain.run(tokenizer, data, count, command.batch);
          capturePass = capture.run(tokenizer, data, count, command.batch);
        } else {
          capturePass = capture.run(tokenizer, data, count, command.batch);
          plainPass = plain.run(tokenizer, data, count, command.batch);
          actdbPass = extract(actdb, tokenizer, data, count, store, allocator);
        }
        checkSameBatches(actdbPass.summary(), plainPass);
        if (r == 0) firstPlain = plainPass;
        else DirectoryTree.delete(store);
        rounds.add(new Round(actdbPass, plainPass, capturePass));
      }
      printFigures(rounds, count);
      Layer pooledLayer =
          layers.stream()
              .filter(l -> l.tensor().equals(plain.pooledOutput()))
              .findFirst()
              .orElse(null);
      if (pooledLayer == null) {
        command.print("check", "none (output " + plain.pooledOutput() + " is not a stored layer)");
      } else {
        double diff =
            maxAbsDifference(
                dir.resolve("round0"),
                onnx.name(),
                pooledLayer.name(),
                data,
                firstPlain,
                allocator);
        command.print("check_layer", pooledLayer.name());
        command.print("check_max_abs_diff", diff);
        if (!(diff <= CHECK_TOLERANCE)) {
          throw new CommandFailure(
              "check failed: the store's "
                  + pooledLayer.name()
                  + " differs from the plain run's mean-pooled "
                  + plain.pooledOutput()
                  + " by "
                  + diff
                  + " (allowed "
                  + CHECK_TOLERANCE
                  + ")");
        }
      }
    } finally {
      DirectoryTree.delete(dir);
    }
  }

  private record Timed(TextSummary summary, double seconds) {}

  /**
   * @param capture plain ONNX Runtime on the model with actdb's layers as outputs: what capturing
   *     costs ONNX Runtime itself, apart from actdb's own path
   */
  private record Round(Timed actdb, PlainOrtEncoder.Pass plain, PlainOrtEncoder.Pass capture) {}

  /**
   * One extraction into a fresh store, timed from opening the store to closing it, so publishing
   * (fsync, rename, manifest) counts.
   */
  private Timed extract(
      OnnxSession session,
      TextTokenizer tokenizer,
      TextSource data,
      int count,
      Path store,
      BufferAllocator allocator)
      throws IOException {
    long start = System.nanoTime();
    TextSummary summary;
    try (StoreWriter writer = StoreWriter.open(store, allocator)) {
      summary =
          TextExtraction.run(
              session,
              tokenizer,
              firstTexts(data, count),
              writer,
              new TextExtraction.Options(null, command.batch, TokenPooling.MEAN, false),
              new Extraction.Progress() {});
    }
    return new Timed(summary, Benchmark.seconds(start));
  }

  /** The figures only mean something when both sides ran the same tensors. */
  private static void checkSameBatches(TextSummary actdb, PlainOrtEncoder.Pass plain)
      throws CommandFailure {
    if (actdb.tokens() != plain.tokens() || actdb.paddedTokens() != plain.paddedTokens()) {
      throw new CommandFailure(
          "check failed: actdb's batches held "
              + actdb.tokens()
              + " tokens padded to "
              + actdb.paddedTokens()
              + ", the plain run's "
              + plain.tokens()
              + " padded to "
              + plain.paddedTokens()
              + "; the two no longer batch texts alike");
    }
  }

  /**
   * Rates are medians over rounds; ratios are medians of each round's ratio, whose sides ran
   * minutes apart at most, since the machine's load can double between rounds.
   */
  private void printFigures(List<Round> rounds, int count) {
    int n = rounds.size();
    double[] actdbRate = new double[n];
    double[] plainRate = new double[n];
    double[] captureRate = new double[n];
    double[] actdbToPlain = new double[n];
    double[] captureToPlain = new double[n];
    double[] actdbToCapture = new double[n];
    double[] writeShare = new double[n];
    double[] tokenizeShare = new double[n];
    for (int r = 0; r < n; r++) {
      Timed a = rounds.get(r).actdb();
      actdbRate[r] = count / a.seconds();
      plainRate[r] = count / rounds.get(r).plain().seconds();
      captureRate[r] = count / rounds.get(r).capture().seconds();
      actdbToPlain[r] = actdbRate[r] / plainRate[r];
      captureToPlain[r] = captureRate[r] / plainRate[r];
      actdbToCapture[r] = actdbRate[r] / captureRate[r];
      writeShare[r] = a.summary().summary().writeSeconds() / a.seconds();
      tokenizeShare[r] = a.summary().summary().readSeconds() / a.seconds();
    }
    TextSummary first = rounds.get(0).actdb().summary();
    long tokens = first.tokens();
    long padded = first.paddedTokens();
    double actdb = median(actdbRate);
    double plain = median(plainRate);
    command.print("sentences_per_s_runs", list(actdbRate));
    command.print("ort_plain_sentences_per_s_runs", list(plainRate));
    command.print("ort_capture_sentences_per_s_runs", list(captureRate));
    command.print("actdb_to_ort_plain_runs", list(actdbToPlain));
    command.print("sentences_per_s", actdb);
    command.print("ort_plain_sentences_per_s", plain);
    command.print("ort_capture_sentences_per_s", median(captureRate));
    command.print("actdb_to_ort_plain", median(actdbToPlain));
    command.print("ort_capture_to_ort_plain", median(captureToPlain));
    command.print("actdb_to_ort_capture", median(actdbToCapture));
    command.print("tokens", tokens);
    command.print("padded_tokens", padded);
    command.print("padding_share", (padded - tokens) / (double) padded);
    command.print("truncated_texts", first.truncated());
    command.print("tokens_per_s", actdb * tokens / count);
    command.print("ort_plain_tokens_per_s", plain * tokens / count);
    command.print("write_share_runs", list(writeShare));
    command.print("write_share", median(writeShare));
    command.print("tokenize_share", median(tokenizeShare));
    command.print(
        "store_mb", first.summary().written().stream().mapToLong(e -> e.bytes()).sum() / 1e6);
  }

  /**
   * The largest difference between a layer's vectors in the store and the plain run's pooled
   * vectors of the same samples.
   */
  private static double maxAbsDifference(
      Path storeDir,
      String model,
      String layer,
      TextSource data,
      PlainOrtEncoder.Pass plain,
      BufferAllocator allocator)
      throws IOException, CommandFailure {
    Map<Long, Integer> indexOf = new HashMap<>();
    for (int i = 0; i < plain.pooled().length / plain.dim(); i++)
      indexOf.put(data.sample(i).id(), i);
    double max = 0;
    int seen = 0;
    float[] vector = new float[plain.dim()];
    try (LayerReader reader = Store.open(storeDir).openLayer(model, layer, allocator)) {
      if (reader.dim() != plain.dim()) {
        throw new CommandFailure(
            "check failed: the store's "
                + layer
                + " has "
                + reader.dim()
                + " values per text,"
                + " the plain run's output "
                + plain.dim());
      }
      while (reader.nextBatch()) {
        for (int row = 0; row < reader.batchRows(); row++) {
          Integer i = indexOf.get(reader.sampleId(row));
          if (i == null) throw new CommandFailure("check failed: unexpected sample in the store");
          reader.copyVector(row, vector, 0);
          for (int k = 0; k < vector.length; k++) {
            max = Math.max(max, Math.abs(vector[k] - plain.pooled()[i * plain.dim() + k]));
          }
          seen++;
        }
      }
    }
    if (seen != indexOf.size()) {
      throw new CommandFailure(
          "check failed: the store holds " + seen + " of " + indexOf.size() + " texts");
    }
    return max;
  }

  private TextTokenizer tokenizerOf(OnnxModel onnx, PretrainedModel pretrained)
      throws IOException, CommandFailure {
    if (command.tokenizer != null) return TextTokenizer.read(command.tokenizer, command.maxLength);
    if (pretrained != null) {
      return TextTokenizer.of(
          pretrained.tokenizerResource(), pretrained.tokenizerJson(), command.maxLength);
    }
    Path beside = Path.of(command.model).toAbsolutePath().resolveSibling("tokenizer.json");
    if (Files.isRegularFile(beside)) return TextTokenizer.read(beside, command.maxLength);
    throw new CommandFailure(
        "actdb: bench extract: "
            + onnx.source()
            + " has no tokenizer.json beside it; give the model's own with --tokenizer FILE");
  }

  /** The model file's own bytes, without the outputs actdb adds. */
  private byte[] modelBytes(PretrainedModel pretrained) throws IOException, CommandFailure {
    if (pretrained == null) return Files.readAllBytes(Path.of(command.model));
    try (InputStream in =
        TextExtractBenchmark.class
            .getClassLoader()
            .getResourceAsStream(pretrained.modelResource())) {
      if (in == null) throw new CommandFailure("actdb: " + pretrained.modelResource() + " is gone");
      return in.readAllBytes();
    }
  }

  /** The first {@code count} texts of {@code data}. */
  private static TextSource firstTexts(TextSource data, int count) {
    if (count == data.size()) return data;
    return new TextSource() {
      @Override
      public String description() {
        return data.description() + " (first " + count + ")";
      }

      @Override
      public int size() {
        return count;
      }

      @Override
      public Sample sample(int i) {
        return data.sample(i);
      }

      @Override
      public String text(int i) {
        return data.text(i);
      }

      @Override
      public int skippedEmpty() {
        return data.skippedEmpty();
      }
    };
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String list(double[] values) {
    StringBuilder text = new StringBuilder();
    for (double v : values) {
      text.append(text.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "%.4g", v));
    }
    return text.toString();
  }
}

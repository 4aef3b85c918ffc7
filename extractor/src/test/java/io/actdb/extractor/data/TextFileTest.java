package io.actdb.extractor.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.extractor.ExtractorException;
import io.actdb.storage.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV, JSON-lines and Parquet text files read back as samples, over hand-written fixtures. */
class TextFileTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  private static TextSource open(Path file, TextColumns columns) throws ExtractorException {
    return TextSources.open(file.toString(), columns);
  }

  private static List<String> texts(TextSource s) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) texts.add(s.text(i));
    return texts;
  }

  @Test
  void csvWithStringLabelsAndDefaults() throws IOException {
    Path file =
        write(
            "reviews.csv",
            """
            text,label,split
            "A fine, quiet film.",pos,train
            Dull.,neg,test
            ,neg,train
            "Two
            lines",pos,train
               ,zzz,train
            Meh.,mixed,test
            """);
    TextSource s = open(file, new TextColumns(null, "label", null, "split"));
    assertEquals(List.of("A fine, quiet film.", "Dull.", "Two\nlines", "Meh."), texts(s));
    assertEquals(2, s.skippedEmpty());
    // names sorted: mixed = 0, neg = 1, pos = 2 ('zzz' is only on a skipped row)
    assertEquals(new Sample(0, "train", 2, "pos", file + ":0"), s.sample(0));
    assertEquals(new Sample(1, "test", 1, "neg", file + ":1"), s.sample(1));
    // ids are row numbers, so the skipped row 2 leaves a gap
    assertEquals(new Sample(3, "train", 2, "pos", file + ":3"), s.sample(2));
    assertEquals(new Sample(5, "test", 0, "mixed", file + ":5"), s.sample(3));
  }

  @Test
  void jsonlWithIntegerLabelsAndIds() throws IOException {
    Path file =
        write(
            "q.jsonl",
            """
            {"id": 70, "sentence": "What time is it?", "y": 3}
            {"id": 12, "sentence": "Où est la gare ?", "y": 0}
            {"id": 5, "sentence": "No label here.", "y": null}
            {"id": 9, "sentence": "", "y": 1}
            """);
    TextSource s = open(file, new TextColumns("sentence", "y", "id", null));
    assertEquals(List.of("What time is it?", "Où est la gare ?", "No label here."), texts(s));
    assertEquals(1, s.skippedEmpty());
    assertEquals(new Sample(70, null, 3, "3", file + ":0"), s.sample(0));
    assertEquals(new Sample(12, null, 0, "0", file + ":1"), s.sample(1));
    assertEquals(new Sample(5, null, null, null, file + ":2"), s.sample(2));
  }

  @Test
  void parquetKeepsFileOrderBeyondOneChunk() throws Exception {
    Path file = dir.resolve("big.parquet");
    int rows = 5000; // more than DuckDB's 2048-row chunks, in several row groups
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      st.execute(
          "COPY (SELECT 'sentence ' || (4999 - i) AS text, (i * 7919) % 100003 AS uid,"
              + " CASE WHEN i % 3 = 0 THEN 'c' ELSE 'b' END AS kind"
              + " FROM range(5000) t(i)) TO '"
              + file
              + "' (FORMAT parquet, ROW_GROUP_SIZE 1000)");
    }
    TextSource s = open(file, new TextColumns("text", "kind", "uid", null));
    assertEquals(rows, s.size());
    for (int i = 0; i < rows; i++) {
      assertEquals("sentence " + (4999 - i), s.text(i));
      Sample sample = s.sample(i);
      assertEquals((i * 7919L) % 100003, sample.id());
      assertEquals(i % 3 == 0 ? "c" : "b", sample.labelName());
      assertEquals(i % 3 == 0 ? 1 : 0, sample.label());
    }
  }

  @Test
  void columnNamesMatchIgnoringCase() throws IOException {
    Path file = write("t.csv", "Text,Label\nhello,1\n");
    TextSource s = open(file, new TextColumns("TEXT", "label", null, null));
    assertEquals(new Sample(0, null, 1, "1", file + ":0"), s.sample(0));
  }

  @Test
  void missingColumnIsNamedWithTheFilesColumns() throws IOException {
    Path file = write("t.csv", "body,label\nhello,1\n");
    var e = assertThrows(ExtractorException.class, () -> open(file, TextColumns.DEFAULTS));
    assertTrue(e.getMessage().contains("no column 'text'"), e.getMessage());
    assertTrue(e.getMessage().contains("its columns are: body, label"), e.getMessage());
    var label =
        assertThrows(
            ExtractorException.class,
            () -> open(file, new TextColumns("body", "class", null, null)));
    assertTrue(
        label.getMessage().contains("no column 'class' (--label-column)"), label.getMessage());
  }

  @Test
  void duplicateIdsNameTheFirstDuplicate() throws IOException {
    Path file = write("d.csv", "id,text\n1,a\n2,b\n1,c\n2,d\n");
    var e =
        assertThrows(
            ExtractorException.class, () -> open(file, new TextColumns(null, null, "id", null)));
    assertTrue(e.getMessage().contains("sample id 1 "), e.getMessage());
    assertTrue(e.getMessage().contains("rows 0 and 2"), e.getMessage());
  }

  @Test
  void nonIntegerIdsAreRefused() throws IOException {
    Path file = write("d.csv", "id,text\nx1,a\n");
    var e =
        assertThrows(
            ExtractorException.class, () -> open(file, new TextColumns(null, null, "id", null)));
    assertTrue(e.getMessage().contains("must be integers"), e.getMessage());
  }

  @Test
  void aFileWithoutTextIsRefused() throws IOException {
    Path blank = write("blank.csv", "text,label\n\" \",1\n\"\",2\n");
    var e = assertThrows(ExtractorException.class, () -> open(blank, TextColumns.DEFAULTS));
    assertTrue(e.getMessage().contains("no text to extract (2 rows, 2 of them"), e.getMessage());
    Path headerOnly = write("header.csv", "text,label\n");
    assertThrows(ExtractorException.class, () -> open(headerOnly, TextColumns.DEFAULTS));
  }

  @Test
  void missingOrUnreadableFilesAreNamed() throws IOException {
    var missing =
        assertThrows(
            ExtractorException.class,
            () -> open(dir.resolve("nowhere.jsonl"), TextColumns.DEFAULTS));
    assertTrue(missing.getMessage().contains("nowhere.jsonl: no such file"), missing.getMessage());
    Path notParquet = write("fake.parquet", "text\nhello\n");
    var bad = assertThrows(ExtractorException.class, () -> open(notParquet, TextColumns.DEFAULTS));
    assertTrue(bad.getMessage().startsWith("cannot read " + notParquet + " as Parquet"));
  }

  @Test
  void isTextKnowsNamesAndExtensions() {
    assertTrue(TextSources.isText("sentences"));
    assertTrue(TextSources.isText("fortunes"));
    assertTrue(TextSources.isText("wordnet"));
    assertTrue(TextSources.isText("a/b.CSV"));
    assertTrue(TextSources.isText("x.parquet"));
    assertTrue(TextSources.isText("x.jsonl"));
    assertFalse(TextSources.isText("fashion-mnist"));
    assertFalse(TextSources.isText("images/"));
    assertFalse(TextSources.isText("x.json"));
  }

  @Test
  void builtInSetsRefuseColumnOptions() {
    var e =
        assertThrows(
            ExtractorException.class,
            () -> TextSources.open("sentences", new TextColumns(null, "label", null, null)));
    assertTrue(e.getMessage().contains("column options apply to .csv"), e.getMessage());
  }
}

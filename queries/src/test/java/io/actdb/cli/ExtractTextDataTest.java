package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data side of {@code actdb extract} on text: bad text data is refused with a named message and
 * exit status 1 before any model loads, and the store is not created.
 */
class ExtractTextDataTest {
  @TempDir Path dir;

  private Cli.Result extract(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of("extract", "--store", dir.resolve("store").toString(), "--device", "cpu"));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  private void assertNoStore() {
    assertFalse(Files.exists(dir.resolve("store")), "the store directory was created");
  }

  @Test
  void missingTextColumnIsNamedWithTheFilesColumns() throws IOException {
    Path csv = dir.resolve("reviews.csv");
    Files.writeString(csv, "review,stars\nGreat.,5\n");
    Cli.Result r = extract("--model", "cnn", "--data", csv.toString());
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("has no column 'text' (--text-column)"), r.err());
    assertTrue(r.err().contains("its columns are: review, stars"), r.err());
    assertNoStore();
  }

  @Test
  void duplicateIdsAreRefused() throws IOException {
    Path jsonl = dir.resolve("q.jsonl");
    Files.writeString(jsonl, "{\"k\": 4, \"text\": \"a\"}\n{\"k\": 4, \"text\": \"b\"}\n");
    Cli.Result r = extract("--model", "cnn", "--data", jsonl.toString(), "--id-column", "k");
    assertEquals(1, r.status(), r.err());
    assertTrue(
        r.err().contains("sample id 4 of column 'k' appears twice, in rows 0 and 1"), r.err());
    assertNoStore();
  }

  @Test
  void missingFileIsNamed() {
    Cli.Result r = extract("--model", "cnn", "--data", dir.resolve("none.parquet").toString());
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("none.parquet: no such file"), r.err());
    assertNoStore();
  }

  @Test
  void textOnAnImageModelIsRefusedAfterTheDataIsRead() throws IOException {
    Path csv = dir.resolve("t.csv");
    Files.writeString(csv, "text\nhello\n\"  \"\nworld\n");
    Cli.Result r = extract("--model", "cnn", "--data", csv.toString());
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains(csv + ": 2 texts (skipped: 1 empty)"), r.err());
    assertTrue(r.err().contains("is text, but model cnn takes images"), r.err());
    assertNoStore();
  }

  @Test
  void columnOptionsOnImageDataAreAUsageError() {
    Cli.Result r = extract("--model", "cnn", "--data", "fashion-mnist", "--label-column", "y");
    assertEquals(2, r.status(), r.err());
    assertTrue(r.err().contains("apply to text data"), r.err());
    assertNoStore();
  }

  @Test
  void columnOptionsOnABuiltInTextSetAreRefused() {
    Cli.Result r = extract("--model", "cnn", "--data", "sentences", "--text-column", "body");
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("built-in set with its own texts"), r.err());
    assertNoStore();
  }
}

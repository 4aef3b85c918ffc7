package io.actdb.extractor.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.actdb.extractor.ExtractorException;
import io.actdb.storage.Sample;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in text sets: their parsers on small fixtures in the Debian formats (resources of this
 * test), the embedded set, and the installed Debian packages when present, counted independently.
 */
class BuiltInTextSetsTest {
  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(BuiltInTextSetsTest.class.getResource(name).toURI());
  }

  // ---- fortunes

  // crc32 of the category names, from Python's zlib.crc32
  private static final long RIDDLES = 2178776087L;
  private static final long ART = 4231386708L;

  @Test
  void fortuneFixture() throws Exception {
    Path folder = fixture("fortunes");
    TextRows s = Fortunes.read(folder);
    // riddles: entries 1 and 3 are blank; art: entry 0 has 501 characters; off/, .dat, .u8 and
    // hidden files are not categories
    assertEquals(2, s.skippedEmpty());
    assertEquals(1, s.skippedTooLong());
    assertEquals(5, s.size());
    assertEquals("Y".repeat(500), s.text(0));
    assertEquals(
        new Sample((ART << 20) + 1, "train", 0, "art", folder.resolve("art") + ":1"), s.sample(0));
    Path riddles = folder.resolve("riddles");
    assertEquals("Why did the chicken cross the road?\nTo get to the other side.", s.text(1));
    assertEquals(new Sample(RIDDLES << 20, "train", 1, "riddles", riddles + ":0"), s.sample(1));
    assertEquals("What is black and white and read all over?\n\tA newspaper.", s.text(2));
    assertEquals((RIDDLES << 20) + 2, s.sample(2).id());
    assertEquals("A riddle.", s.text(3));
    assertEquals(
        new Sample((RIDDLES << 20) + 4, "test", 1, "riddles", riddles + ":4"), s.sample(3));
    assertEquals("Last riddle without a closing percent line.", s.text(4));
    assertEquals(
        new Sample((RIDDLES << 20) + 5, "train", 1, "riddles", riddles + ":5"), s.sample(4));
  }

  @Test
  void installedFortunesMatchStrfileCounts() throws Exception {
    assumeTrue(
        Files.isDirectory(Fortunes.DEBIAN_FOLDER),
        "Debian's fortunes-min is not installed (apt-get install fortunes-min)");
    TextRows s = Fortunes.read(Fortunes.DEBIAN_FOLDER);
    // strfile's .dat header (big-endian: version, number of strings, ...) counts the entries
    Map<String, Integer> strfileCounts = new TreeMap<>();
    try (var files = Files.list(Fortunes.DEBIAN_FOLDER)) {
      for (Path dat : files.filter(f -> f.toString().endsWith(".dat")).toList()) {
        String category = dat.getFileName().toString().replaceFirst("\\.dat$", "");
        strfileCounts.put(category, ByteBuffer.wrap(Files.readAllBytes(dat)).getInt(4));
      }
    }
    Map<String, Integer> kept = new TreeMap<>();
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < s.size(); i++) {
      Sample sample = s.sample(i);
      kept.merge(sample.labelName(), 1, Integer::sum);
      assertTrue(ids.add(sample.id()), "duplicate id " + sample.id());
      assertTrue(s.text(i).length() <= Fortunes.MAX_CHARS && !s.text(i).isBlank());
    }
    int entries = 0;
    for (var e : strfileCounts.entrySet()) {
      assertTrue(kept.getOrDefault(e.getKey(), 0) <= e.getValue(), e.getKey());
      entries += e.getValue();
    }
    assertEquals(strfileCounts.keySet(), kept.keySet(), "a category per cookie file");
    // strfile does not count empty entries (a few files have them: knghtbrd, tao, ...)
    assertEquals(entries, s.size() + s.skippedTooLong());
    assertTrue(s.size() > 0.8 * entries, s.size() + " of " + entries + " kept");
  }

  // ---- wordnet

  @Test
  void wordNetFixture() throws Exception {
    TextRows s = WordNetNouns.read(fixture("wordnet/data.noun"));
    assertEquals(1, s.skippedEmpty()); // 'critter': its gloss is an example only
    assertEquals(7, s.size());
    assertEquals(
        "that which is perceived or known or inferred to have its own distinct existence (living"
            + " or nonliving)",
        s.text(0));
    assertEquals(new Sample(1740, "train", 0, "noun.Tops", "data.noun:00001740"), s.sample(0));
    assertEquals("a living organism characterized by voluntary movement", s.text(1));
    assertEquals(new Sample(15388, "train", 2, "noun.animal", "data.noun:00015388"), s.sample(1));
    assertEquals("a wild animal", s.text(3));
    assertEquals("an animal (often followed by \"of\"); a being", s.text(4));
    // the 5th animal kept is the class's first test sample
    assertEquals(new Sample(16300, "test", 2, "noun.animal", "data.noun:00016300"), s.sample(5));
    assertEquals("the middle of the day", s.text(6));
    assertEquals(new Sample(16400, "train", 25, "noun.time", "data.noun:00016400"), s.sample(6));
  }

  @Test
  void installedWordNetMatchesALineCount() throws Exception {
    assumeTrue(
        Files.isRegularFile(WordNetNouns.DEBIAN_FILE),
        "Debian's wordnet-base is not installed (apt-get install wordnet-base)");
    TextRows s = WordNetNouns.read(WordNetNouns.DEBIAN_FILE);
    // synset lines per lexicographer file, counted from the raw lines
    Map<Integer, Integer> lines = new HashMap<>();
    for (String line : Files.readAllLines(WordNetNouns.DEBIAN_FILE)) {
      if (line.startsWith(" ")) continue;
      lines.merge(Integer.parseInt(line.substring(9, 11)), 1, Integer::sum);
    }
    Map<Integer, Integer> perLabel = new HashMap<>();
    for (int i = 0; i < s.size(); i++) perLabel.merge(s.sample(i).label(), 1, Integer::sum);
    assertEquals(0, s.skippedEmpty());
    assertEquals(26, lines.size());
    for (var e : lines.entrySet()) {
      assertEquals(e.getValue(), perLabel.get(e.getKey() - 3), "lexicographer file " + e.getKey());
    }
  }

  // ---- the embedded set

  @Test
  void embeddedSentencesAreBalancedAndSplitByFifths() throws ExtractorException {
    TextRows s = EmbeddedSentences.load();
    assertEquals(2500, s.size());
    Map<String, int[]> trainTest = new TreeMap<>();
    Set<Long> ids = new HashSet<>();
    long previous = -1;
    for (int i = 0; i < s.size(); i++) {
      Sample sample = s.sample(i);
      assertTrue(sample.id() > previous, "rows in synset-offset order");
      previous = sample.id();
      assertTrue(ids.add(sample.id()));
      assertEquals(WordNetNouns.NOUN_CLASSES.get(sample.label()), sample.labelName());
      int length = s.text(i).length();
      assertTrue(length >= 20 && length <= 200, s.text(i));
      trainTest
              .computeIfAbsent(sample.labelName(), k -> new int[2])[
              sample.split().equals("test") ? 1 : 0] +=
          1;
    }
    assertEquals(
        List.of(
            "noun.animal",
            "noun.artifact",
            "noun.body",
            "noun.feeling",
            "noun.food",
            "noun.location",
            "noun.person",
            "noun.plant",
            "noun.substance",
            "noun.time"),
        List.copyOf(trainTest.keySet()));
    for (int[] counts : trainTest.values()) {
      assertEquals(200, counts[0]);
      assertEquals(50, counts[1]);
    }
    assertEquals(s, EmbeddedSentences.load(), "the same set on every load");
  }

  @Test
  void embeddedSentencesAreWordNetDefinitions() throws Exception {
    assumeTrue(
        Files.isRegularFile(WordNetNouns.DEBIAN_FILE),
        "Debian's wordnet-base is not installed (apt-get install wordnet-base)");
    TextRows wordnet = WordNetNouns.read(WordNetNouns.DEBIAN_FILE);
    Map<Long, Integer> index = new HashMap<>();
    for (int i = 0; i < wordnet.size(); i++) index.put(wordnet.sample(i).id(), i);
    TextRows embedded = EmbeddedSentences.load();
    for (int i = 0; i < embedded.size(); i++) {
      Sample e = embedded.sample(i);
      Integer w = index.get(e.id());
      assertTrue(w != null, "synset " + e.id());
      assertEquals(wordnet.text(w), embedded.text(i));
      assertEquals(wordnet.sample(w).label(), e.label());
      assertEquals(wordnet.sample(w).source(), e.source());
    }
  }

  @Test
  void missingPackagesSayWhatToInstall(@TempDir Path empty) {
    var fortunes =
        assertThrows(ExtractorException.class, () -> Fortunes.installed(empty.resolve("fortunes")));
    assertTrue(
        fortunes.getMessage().contains("apt-get install fortunes-min"), fortunes.getMessage());
    var wordnet =
        assertThrows(
            ExtractorException.class, () -> WordNetNouns.installed(empty.resolve("data.noun")));
    assertTrue(wordnet.getMessage().contains("apt-get install wordnet-base"), wordnet.getMessage());
  }
}

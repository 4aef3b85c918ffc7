package io.actdb.extractor.data;

import io.actdb.extractor.ExtractorException;
import io.actdb.storage.Sample;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code sentences} text set, shipped inside actdb: 2 500 WordNet 3.0 noun definitions, 250
 * from each of ten classes (noun.animal, noun.artifact, noun.body, noun.feeling, noun.food,
 * noun.location, noun.person, noun.plant, noun.substance, noun.time).
 *
 * <p>The file {@code sentences.tsv} beside this class's resources was written by {@code
 * make_sentences.py} (same folder), which documents the selection. Ids are synset offsets and
 * labels WordNet's noun class numbers, as in the {@code wordnet} set; within each class every 5th
 * sentence is split {@code test} (50 per class), the others {@code train}. The WordNet licence is
 * {@code WORDNET-LICENSE.txt} beside it.
 */
public final class EmbeddedSentences {
  private EmbeddedSentences() {}

  static final String RESOURCE = "sentences.tsv";
  private static final String HEADER = "sample_id\tlabel\tlabel_name\tsplit\ttext";

  /** The embedded set, in its file's order (by synset offset). */
  public static TextRows load() throws ExtractorException {
    List<Sample> samples = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    try (InputStream raw = EmbeddedSentences.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) throw new ExtractorException("the embedded " + RESOURCE + " is missing");
      BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8));
      if (!HEADER.equals(in.readLine())) {
        throw new ExtractorException("the embedded " + RESOURCE + " has an unexpected header");
      }
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.split("\t", -1);
        if (f.length != 5) {
          throw new ExtractorException("the embedded " + RESOURCE + " has a bad line: " + line);
        }
        samples.add(
            TextRows.sample(
                Long.parseLong(f[0]),
                f[3],
                Integer.parseInt(f[1]),
                f[2],
                "data.noun:" + "%08d".formatted(Long.parseLong(f[0])),
                f[4]));
        texts.add(f[4]);
      }
    } catch (IOException e) {
      throw new ExtractorException("cannot read the embedded " + RESOURCE + ": " + e, e);
    }
    return new TextRows("sentences (embedded WordNet definitions)", samples, texts, 0, 0);
  }
}

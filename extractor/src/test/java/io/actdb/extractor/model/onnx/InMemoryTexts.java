package io.actdb.extractor.model.onnx;

import io.actdb.extractor.data.TextSource;
import io.actdb.storage.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Texts held in memory, with ids that are not their positions (100 + 7 × index). */
record InMemoryTexts(List<String> texts) implements TextSource {
  static InMemoryTexts resource(String name) throws IOException {
    try (InputStream in = InMemoryTexts.class.getResourceAsStream(name)) {
      String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new InMemoryTexts(all.lines().filter(l -> !l.isBlank()).toList());
    }
  }

  static long idOf(int i) {
    return 100 + 7L * i;
  }

  @Override
  public String description() {
    return "test sentences";
  }

  @Override
  public int size() {
    return texts.size();
  }

  @Override
  public Sample sample(int i) {
    return new Sample(idOf(i), "test", i % 3, "group" + (i % 3), "test sentences");
  }

  @Override
  public String text(int i) {
    return texts.get(i);
  }

  @Override
  public int skippedEmpty() {
    return 0;
  }
}

package io.actdb.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A writer process for {@link KilledWriterTest}: publishes samples and layers in a loop until it is
 * killed. Layer {@code m<g % 3>/l<g>} holds rows of {@link StoreTest#value} with salt g, and on odd
 * g token layer {@code m<g % 3>/t<g>} holds the token rows of {@link TokenLayerTest} for {@link
 * #tokenSamplesOf(int)} samples with salt g, so a reader can check every value without knowing how
 * far the writer got.
 */
public final class KillVictim {
  private KillVictim() {}

  static final int DIM = 256;

  static int rowsOf(int g) {
    return 3000 + 997 * (g % 7);
  }

  static int tokenSamplesOf(int g) {
    return rowsOf(g) / 4;
  }

  static long tokenRowsOf(int g) {
    long rows = 0;
    for (long id = 0; id < tokenSamplesOf(g); id++) rows += TokenLayerTest.tokensOf(id);
    return rows;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (StoreWriter w = StoreWriter.open(dir)) {
      System.out.println("writing");
      System.out.flush();
      for (int g = 0; ; g++) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < rowsOf(g); i++)
          samples.add(new Sample(i, "train", i % 10, "c" + (i % 10), "victim"));
        w.addSamples(samples);
        StoreTest.writeLayer(w, "m" + (g % 3), "l" + g, DIM, 0, rowsOf(g), g);
        if (g % 2 == 1) {
          TokenLayerTest.writeTokenLayer(
              w, "m" + (g % 3), "t" + g, DIM, tokenSamplesOf(g), g, TokenLayerTest.TOKENIZER);
        }
        // replace an earlier layer now and then, so kills also hit a replacement
        if (g % 4 == 3)
          StoreTest.writeLayer(w, "m" + ((g - 3) % 3), "l" + (g - 3), DIM, 0, rowsOf(g - 3), g - 3);
        System.out.println("published " + g);
        System.out.flush();
      }
    }
  }
}

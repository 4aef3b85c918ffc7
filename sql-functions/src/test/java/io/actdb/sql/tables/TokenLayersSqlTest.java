package io.actdb.sql.tables;

import static io.actdb.sql.TestDb.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.StoreConnections;
import io.actdb.storage.LayerSpec;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token layers and layer order through SQL: {@code layer(...)}, the views, {@code token_pairs} and
 * its refusals, aggregates over token rows.
 */
class TokenLayersSqlTest {
  static final int SAMPLES = 1000;
  static final String BERT_VOCAB = "wordpiece:bert-base-uncased:30522:4f3c";

  @TempDir Path dir;
  private BufferAllocator allocator;

  /** Token rows written, in order: sample id, position, and each model's vector. */
  private final List<long[]> keys = new ArrayList<>();

  private final List<float[]> rowsA = new ArrayList<>();
  private final List<float[]> rowsB = new ArrayList<>();

  static int tokensOf(long id) {
    return 2 + (int) (id % 5);
  }

  @BeforeEach
  void writeStore() throws IOException {
    allocator = new RootAllocator();
    SplittableRandom random = new SplittableRandom(11);
    int dimA = 6;
    int dimB = 4;
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      List<Sample> samples = new ArrayList<>();
      for (int id = 0; id < SAMPLES; id++)
        samples.add(new Sample(id, "train", id % 3, "c" + id % 3, "t", "sentence " + id));
      w.addSamples(samples);
      for (int id = 0; id < SAMPLES; id++) {
        for (int p = 0; p < tokensOf(id); p++) {
          keys.add(new long[] {id, p});
          float[] a = new float[dimA];
          for (int j = 0; j < dimA; j++) a[j] = (float) random.nextGaussian();
          float[] b = new float[dimB];
          // model b sees part of what model a sees, plus its own noise: CKA well inside (0, 1)
          for (int j = 0; j < dimB; j++)
            b[j] = a[j] + 2 * a[(j + 1) % dimA] + (float) random.nextGaussian();
          rowsA.add(a);
          rowsB.add(b);
        }
      }
      writeTokens(w, "enc_a", "layer1", 1, BERT_VOCAB, rowsA);
      writeTokens(w, "enc_b", "layer1", 1, BERT_VOCAB, rowsB);
      writeTokens(w, "gpt", "h0", 0, "bpe:gpt2:50257:9d1e", rowsB);
      writeTokens(w, "anon", "t", 0, null, rowsB);
      try (LayerWriter pooled =
          w.beginLayer(new LayerSpec("enc_a", "pooled", 2, "mean", 2, false, BERT_VOCAB))) {
        for (int id = 0; id < SAMPLES; id++) pooled.append(id, new float[] {id, 1}, 0);
        pooled.commit();
      }
      try (LayerWriter embeddings =
          w.beginLayer(new LayerSpec("enc_a", "embeddings", 2, "mean", 0, false, BERT_VOCAB))) {
        for (int id = 0; id < SAMPLES; id++) embeddings.append(id, new float[] {1, id}, 0);
        embeddings.commit();
      }
    }
  }

  private void writeTokens(
      StoreWriter w, String model, String layer, int position, String tokenizer, List<float[]> rows)
      throws IOException {
    int dim = rows.get(0).length;
    try (LayerWriter lw =
        w.beginLayer(new LayerSpec(model, layer, dim, "none", position, true, tokenizer))) {
      // in calls of 100 rows, as an extraction hands over batches
      for (int from = 0; from < rows.size(); from += 100) {
        int count = Math.min(100, rows.size() - from);
        long[] ids = new long[count];
        int[] positions = new int[count];
        String[] tokens = new String[count];
        float[] data = new float[count * dim];
        for (int r = 0; r < count; r++) {
          long[] key = keys.get(from + r);
          ids[r] = key[0];
          positions[r] = (int) key[1];
          tokens[r] = key[1] == 0 ? "[CLS]" : "tok" + key[0] + "." + key[1];
          System.arraycopy(rows.get(from + r), 0, data, r * dim, dim);
        }
        lw.appendTokens(ids, positions, tokens, data, count);
      }
      lw.commit();
    }
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, ArrowFileScan.openResources(), "Arrow readers left open");
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  private static Object value(Connection c, String sql) throws SQLException {
    return rows(c, sql).get(0).get(0);
  }

  /** Linear CKA on column-centred data, in plain double arithmetic (the test's own oracle). */
  static double linearCka(List<float[]> x, List<float[]> y) {
    double[][] xc = centred(x);
    double[][] yc = centred(y);
    double xy = frobeniusSquared(cross(xc, yc));
    double xx = Math.sqrt(frobeniusSquared(cross(xc, xc)));
    double yy = Math.sqrt(frobeniusSquared(cross(yc, yc)));
    return xy / (xx * yy);
  }

  private static double[][] centred(List<float[]> rows) {
    int n = rows.size();
    int d = rows.get(0).length;
    double[] mean = new double[d];
    for (float[] r : rows) for (int j = 0; j < d; j++) mean[j] += r[j] / (double) n;
    double[][] out = new double[n][d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) out[i][j] = rows.get(i)[j] - mean[j];
    return out;
  }

  /** Aᵀ B. */
  private static double[][] cross(double[][] a, double[][] b) {
    double[][] out = new double[a[0].length][b[0].length];
    for (int i = 0; i < a.length; i++)
      for (int p = 0; p < a[0].length; p++)
        for (int q = 0; q < b[0].length; q++) out[p][q] += a[i][p] * b[i][q];
    return out;
  }

  private static double frobeniusSquared(double[][] m) {
    double s = 0;
    for (double[] r : m) for (double v : r) s += v * v;
    return s;
  }

  @Test
  void layerShowsTokenRowsAndTheViewsShowPositionAndToken() throws SQLException {
    try (Connection c = StoreConnections.open(dir)) {
      assertEquals(
          List.of(List.of("sample_id", "position", "token", "vec")),
          List.of(
              rows(c, "SELECT column_name FROM (DESCRIBE SELECT * FROM layer('enc_a', 'layer1'))")
                  .stream()
                  .map(r -> r.get(0))
                  .toList()));
      assertEquals(
          "FLOAT[6]", value(c, "SELECT typeof(vec) FROM layer('enc_a', 'layer1') LIMIT 1"));
      assertEquals((long) keys.size(), value(c, "SELECT count(*) FROM layer('enc_a', 'layer1')"));
      int row = 3210;
      long[] key = keys.get(row);
      assertEquals(
          Arrays.asList("tok" + key[0] + "." + key[1], (double) rowsA.get(row)[5]),
          rows(
                  c,
                  "SELECT token, vec[6]::DOUBLE FROM layer('enc_a', 'layer1') WHERE sample_id = "
                      + key[0]
                      + " AND position = "
                      + key[1])
              .get(0));
      // sample layers keep their shape
      assertEquals(
          List.of(List.of("sample_id"), List.of("vec")),
          rows(c, "SELECT column_name FROM (DESCRIBE SELECT * FROM layer('enc_a', 'pooled'))"));
      // activations: position and token for token rows, NULL for sample rows
      assertEquals(
          List.of(List.of("enc_a", "layer1", (long) keys.size(), (long) keys.size())),
          rows(
              c,
              "SELECT model, layer, count(position), count(token) FROM activations"
                  + " WHERE model = 'enc_a' AND layer = 'layer1' GROUP BY ALL"));
      assertEquals(
          List.of(List.of((long) SAMPLES, 0L, 0L)),
          rows(
              c,
              "SELECT count(*), count(position), count(token) FROM activations"
                  + " WHERE model = 'enc_a' AND layer = 'pooled'"));
      long tokensPerSampleSum = 0;
      for (int id = 0; id < SAMPLES; id++) tokensPerSampleSum += tokensOf(id);
      assertEquals(
          tokensPerSampleSum,
          ((Number)
                  value(
                      c,
                      "SELECT sum(n) FROM (SELECT sample_id, max(position) + 1 AS n FROM"
                          + " activations WHERE model = 'gpt' GROUP BY sample_id)"))
              .longValue());
      assertEquals(
          List.of(
              Arrays.asList("anon", "t", 0, "token", 4, (long) keys.size(), "none", null),
              Arrays.asList(
                  "enc_a", "embeddings", 0, "sample", 2, (long) SAMPLES, "mean", BERT_VOCAB),
              Arrays.asList(
                  "enc_a", "layer1", 1, "token", 6, (long) keys.size(), "none", BERT_VOCAB),
              Arrays.asList("enc_a", "pooled", 2, "sample", 2, (long) SAMPLES, "mean", BERT_VOCAB)),
          rows(
              c,
              "SELECT model, layer, position, granularity, dim, rows, pooling, tokenizer"
                  + " FROM layers WHERE model IN ('anon', 'enc_a')"));
    }
  }

  @Test
  void tokenPairsJoinsTwoModelsTokenByTokenAndCkaMatchesThePlainJavaValue() throws SQLException {
    double expected = linearCka(rowsA, rowsB);
    assertTrue(expected > 0.1 && expected < 0.95, "a telling value: " + expected);
    try (Connection c = StoreConnections.open(dir)) {
      assertEquals(
          List.of("sample_id", "position", "token", "vec_a", "vec_b"),
          rows(
                  c,
                  "SELECT column_name FROM (DESCRIBE SELECT * FROM"
                      + " token_pairs('enc_a', 'layer1', 'enc_b', 'layer1'))")
              .stream()
              .map(r -> r.get(0))
              .toList());
      assertEquals(
          (long) keys.size(),
          value(c, "SELECT count(*) FROM token_pairs('enc_a', 'layer1', 'enc_b', 'layer1')"));
      double viaPairs =
          ((Number)
                  value(
                      c,
                      "SELECT cka(vec_a, vec_b) FROM"
                          + " token_pairs('enc_a', 'layer1', 'enc_b', 'layer1')"))
              .doubleValue();
      assertEquals(expected, viaPairs, 1e-6);
      // a hand-written join on (sample_id, position) gives the same, over FLOAT[] too
      double viaJoin =
          ((Number)
                  value(
                      c,
                      "SELECT cka(a.vec, b.vec) FROM activations a JOIN activations b"
                          + " USING (sample_id, position)"
                          + " WHERE a.model = 'enc_a' AND a.layer = 'layer1'"
                          + " AND b.model = 'enc_b' AND b.layer = 'layer1'"))
              .doubleValue();
      assertEquals(expected, viaJoin, 1e-6);
      // per-position groups work as any GROUP BY: position 0 is in every sample
      assertEquals(
          (long) SAMPLES,
          value(
              c,
              "SELECT count(*) FROM token_pairs('enc_a', 'layer1', 'enc_b', 'layer1')"
                  + " WHERE position = 0"));
    }
  }

  @Test
  void tokenPairsRefusesLayersThatCannotBeComparedTokenByToken() throws SQLException {
    try (Connection c = StoreConnections.open(dir)) {
      SQLException tokenizers =
          assertThrows(
              SQLException.class,
              () -> rows(c, "SELECT count(*) FROM token_pairs('enc_a', 'layer1', 'gpt', 'h0')"));
      assertTrue(
          tokenizers.getMessage().contains("different tokenizers")
              && tokenizers.getMessage().contains("enc_a/layer1")
              && tokenizers.getMessage().contains("gpt/h0")
              && tokenizers.getMessage().contains("bpe:gpt2"),
          tokenizers.getMessage());
      SQLException pooled =
          assertThrows(
              SQLException.class,
              () ->
                  rows(
                      c, "SELECT count(*) FROM token_pairs('enc_a', 'pooled', 'enc_b', 'layer1')"));
      assertTrue(
          pooled.getMessage().contains("enc_a/pooled")
              && pooled.getMessage().contains("one row per sample"),
          pooled.getMessage());
      SQLException unknown =
          assertThrows(
              SQLException.class,
              () -> rows(c, "SELECT count(*) FROM token_pairs('enc_b', 'layer1', 'anon', 't')"));
      assertTrue(
          unknown.getMessage().contains("anon/t")
              && unknown.getMessage().contains("records no tokenizer"),
          unknown.getMessage());
      SQLException missing =
          assertThrows(
              SQLException.class,
              () ->
                  rows(c, "SELECT count(*) FROM token_pairs('enc_a', 'layer1', 'enc_b', 'nope')"));
      assertTrue(missing.getMessage().contains("no layer enc_b/nope"), missing.getMessage());
      // the connection is still usable
      assertEquals((long) SAMPLES, value(c, "SELECT count(*) FROM samples"));
    }
  }

  @Test
  void layersAreListedInForwardOrderNotByName() throws IOException, SQLException {
    Path ordered = dir.resolve("ordered");
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 12; i++) order.add(i);
    Collections.shuffle(order, new Random(5));
    try (StoreWriter w = StoreWriter.open(ordered, allocator)) {
      w.addSamples(List.of(new Sample(0, "train", 0, "a", "s")));
      for (int i : order) {
        try (LayerWriter lw =
            w.beginLayer(new LayerSpec("bert", "layer" + i, 1, "mean", i + 1, false, null))) {
          lw.append(0, new float[] {i}, 0);
          lw.commit();
        }
      }
      try (LayerWriter lw =
          w.beginLayer(new LayerSpec("bert", "embeddings", 1, "mean", 0, false, null))) {
        lw.append(0, new float[] {-1}, 0);
        lw.commit();
      }
    }
    List<List<Object>> expected = new ArrayList<>();
    expected.add(List.of("embeddings", 0));
    for (int i = 0; i < 12; i++) expected.add(List.of("layer" + i, i + 1));
    try (Connection c = StoreConnections.open(ordered)) {
      assertEquals(expected, rows(c, "SELECT layer, position FROM layers"));
      assertEquals(
          expected, rows(c, "SELECT layer, position FROM layers ORDER BY model, position"));
    }
  }
}

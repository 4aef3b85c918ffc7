package io.actdb.extractor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import io.actdb.extractor.Extraction.Options;
import io.actdb.extractor.Extraction.Pooling;
import io.actdb.extractor.Extraction.Summary;
import io.actdb.extractor.data.SampleSource;
import io.actdb.extractor.model.ActivationModel;
import io.actdb.extractor.model.Devices;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.LayerReader;
import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extraction pipeline with a model made of plain tensor operations, so every stored value can
 * be recomputed by hand: pooling, flattening, batching, resuming and failing cleanly.
 */
class ExtractionTest {
  static final int C = 2;
  static final int H = 3;
  static final int W = 4;

  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void allocator() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    allocator.close();
  }

  /** Input value of sample i at (c, y, x). */
  static float input(long id, int c, int y, int x) {
    return (float) Math.sin(0.37 * id + 1.1 * c + 0.29 * y - 0.53 * x);
  }

  /** Samples with ids 100 + 3i; sample {@code failAt} cannot be read. */
  static SampleSource source(int n, int failAt) {
    return new SampleSource() {
      @Override
      public String description() {
        return "synthetic";
      }

      @Override
      public int size() {
        return n;
      }

      @Override
      public int channels() {
        return C;
      }

      @Override
      public int height() {
        return H;
      }

      @Override
      public int width() {
        return W;
      }

      @Override
      public Sample sample(int i) {
        return new Sample(
            100 + 3L * i, i % 2 == 0 ? "train" : "test", i % 5, "class " + i % 5, "synthetic:" + i);
      }

      @Override
      public void read(int i, float[] target, int offset) throws IOException {
        if (i == failAt) throw new ExtractorException("synthetic:" + i + ": does not decode");
        long id = sample(i).id();
        for (int c = 0; c < C; c++)
          for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) target[offset + (c * H + y) * W + x] = input(id, c, y, x);
      }
    };
  }

  /** "map" = 2·x + 1 (a C×H×W map), "sum" = per channel sums (N × C), "scalar" = total (N). */
  static final class PlainModel implements ActivationModel {
    @Override
    public String name() {
      return "plain";
    }

    @Override
    public List<String> layerNames() {
      return List.of("map", "sum", "scalar");
    }

    @Override
    public Map<String, NDArray> forward(NDArray batch, Set<String> layers) {
      Map<String, NDArray> out = new LinkedHashMap<>();
      if (layers.contains("map")) out.put("map", batch.mul(2).add(1));
      if (layers.contains("sum")) out.put("sum", batch.sum(new int[] {2, 3}));
      if (layers.contains("scalar")) out.put("scalar", batch.sum(new int[] {1, 2, 3}));
      return out;
    }

    @Override
    public void close() {}
  }

  static double expectedMapMean(long id, int c) {
    double s = 0;
    for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) s += 2 * input(id, c, y, x) + 1;
    return s / (H * W);
  }

  private Summary extract(SampleSource data, Options options) throws IOException {
    try (StoreWriter w = StoreWriter.open(dir, allocator)) {
      return Extraction.run(
          new PlainModel(), data, w, Device.cpu(), options, new Extraction.Progress() {});
    }
  }

  private List<float[]> rows(String model, String layer, List<Long> ids) throws IOException {
    List<float[]> rows = new ArrayList<>();
    try (LayerReader r = Store.open(dir).openLayer(model, layer, allocator)) {
      while (r.nextBatch()) {
        for (int i = 0; i < r.batchRows(); i++) {
          float[] v = new float[r.dim()];
          r.copyVector(i, v, 0);
          rows.add(v);
          ids.add(r.sampleId(i));
        }
      }
    }
    return rows;
  }

  @Test
  void poolsMapsAndKeepsVectorsAcrossOddBatches() throws IOException {
    int n = 50;
    Summary s = extract(source(n, -1), new Options(null, List.of(), 7, Pooling.AVG, false));
    assertEquals(3, s.written().size());
    Store store = Store.open(dir);
    LayerEntry map = store.manifest().layer("plain", "map").orElseThrow();
    assertEquals(C, map.dim());
    assertEquals("avg", map.pooling());
    assertEquals("none", store.manifest().layer("plain", "sum").orElseThrow().pooling());
    assertEquals(1, store.manifest().layer("plain", "scalar").orElseThrow().dim());

    List<Long> ids = new ArrayList<>();
    List<float[]> maps = rows("plain", "map", ids);
    List<float[]> sums = rows("plain", "sum", new ArrayList<>());
    assertEquals(n, maps.size());
    for (int i = 0; i < n; i++) {
      long id = 100 + 3L * i;
      assertEquals(id, ids.get(i));
      for (int c = 0; c < C; c++) {
        assertEquals(
            expectedMapMean(id, c),
            maps.get(i)[c],
            1e-5,
            "map mean, sample " + i + " channel " + c);
        double sum = 0;
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) sum += input(id, c, y, x);
        assertEquals(sum, sums.get(i)[c], 1e-5);
      }
    }
    List<Sample> samples = store.samples(allocator);
    assertEquals(n, samples.size());
    assertEquals(new Sample(103, "test", 1, "class 1", "synthetic:1"), samples.get(1));
    assertEquals(List.of(), store.check(allocator));
  }

  @Test
  void flattensMapsRowMajor() throws IOException {
    extract(source(5, -1), new Options("flat", List.of("map"), 2, Pooling.FLATTEN, false));
    List<Long> ids = new ArrayList<>();
    List<float[]> maps = rows("flat", "map", ids);
    assertEquals(C * H * W, maps.getFirst().length);
    assertEquals(
        "flatten", Store.open(dir).manifest().layer("flat", "map").orElseThrow().pooling());
    for (int i = 0; i < 5; i++) {
      float[] expected = new float[C * H * W];
      for (int c = 0; c < C; c++)
        for (int y = 0; y < H; y++)
          for (int x = 0; x < W; x++)
            expected[(c * H + y) * W + x] = 2 * input(ids.get(i), c, y, x) + 1;
      assertArrayEquals(expected, maps.get(i), 1e-6f);
    }
  }

  @Test
  void runAgainSkipsCompleteLayersAndRefusesOtherSamples() throws IOException {
    extract(source(20, -1), new Options(null, List.of("sum"), 8, Pooling.AVG, false));
    byte[] manifest = Files.readAllBytes(dir.resolve("manifest.json"));
    Summary again =
        extract(source(20, -1), new Options(null, List.of("sum", "map"), 8, Pooling.AVG, false));
    assertEquals(List.of("sum"), again.skipped());
    assertEquals(List.of("map"), again.written().stream().map(LayerEntry::layer).toList());

    byte[] before = Files.readAllBytes(dir.resolve("manifest.json"));
    ExtractorException other =
        assertThrows(
            ExtractorException.class,
            () ->
                extract(source(21, -1), new Options(null, List.of("sum"), 8, Pooling.AVG, false)));
    assertTrue(
        other.getMessage().contains("plain/sum") && other.getMessage().contains("--replace"),
        other.getMessage());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("manifest.json")));

    Summary replaced =
        extract(source(21, -1), new Options(null, List.of("sum"), 8, Pooling.AVG, true));
    assertEquals(21, replaced.written().getFirst().rows());
    assertTrue(manifest.length > 0);
  }

  @Test
  void unknownLayerListsTheModelsLayers() {
    ExtractorException e =
        assertThrows(
            ExtractorException.class,
            () -> extract(source(3, -1), new Options(null, List.of("fc9"), 8, Pooling.AVG, false)));
    assertEquals(
        "model plain has no layer 'fc9'; its layers are: map, sum, scalar", e.getMessage());
    assertTrue(!Files.exists(dir.resolve("manifest.json")), "a refused run published something");
  }

  @Test
  void aSampleThatFailsLeavesTheStoreAsItWas() throws IOException {
    extract(source(10, -1), new Options("kept", List.of("sum"), 4, Pooling.AVG, false));
    byte[] manifest = Files.readAllBytes(dir.resolve("manifest.json"));
    List<Path> filesBefore = files();
    ExtractorException e =
        assertThrows(
            ExtractorException.class,
            () -> extract(source(30, 17), new Options(null, List.of(), 4, Pooling.AVG, false)));
    assertEquals("synthetic:17: does not decode", e.getMessage());
    assertArrayEquals(manifest, Files.readAllBytes(dir.resolve("manifest.json")));
    assertEquals(filesBefore, files(), "files left behind by the failed run");
    assertEquals(10, Store.open(dir).samples(allocator).size());
  }

  @Test
  void aGpuGivesTheSameVectorsAsTheCpu() throws IOException {
    Assumptions.assumeTrue(
        Devices.engine().getGpuCount() > 0,
        "no GPU visible to PyTorch on this machine (CPU build of libtorch, or no CUDA device)");
    Path cpuDir = dir.resolve("cpu");
    Path gpuDir = dir.resolve("gpu");
    for (Path d : List.of(cpuDir, gpuDir)) {
      try (StoreWriter w = StoreWriter.open(d, allocator)) {
        Extraction.run(
            new PlainModel(),
            source(30, -1),
            w,
            d == gpuDir ? Device.gpu() : Device.cpu(),
            new Options(null, List.of("map"), 8, Pooling.AVG, false),
            new Extraction.Progress() {});
      }
    }
    try (LayerReader a = Store.open(cpuDir).openLayer("plain", "map", allocator);
        LayerReader b = Store.open(gpuDir).openLayer("plain", "map", allocator)) {
      while (a.nextBatch() && b.nextBatch()) {
        for (int i = 0; i < a.batchRows(); i++) {
          float[] va = new float[C];
          float[] vb = new float[C];
          a.copyVector(i, va, 0);
          b.copyVector(i, vb, 0);
          assertArrayEquals(va, vb, 1e-5f);
        }
      }
    }
  }

  @Test
  void emptyDataIsRefused() {
    ExtractorException e =
        assertThrows(
            ExtractorException.class,
            () -> extract(source(0, -1), new Options(null, List.of(), 4, Pooling.AVG, false)));
    assertEquals("synthetic: no samples to extract", e.getMessage());
  }

  private List<Path> files() throws IOException {
    try (var walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().equals(".lock"))
          .sorted()
          .toList();
    }
  }
}

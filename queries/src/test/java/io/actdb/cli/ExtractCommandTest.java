package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.actdb.extractor.model.TorchScriptModel;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code actdb extract}, run in-process as a user would, over a small IDX file written here. The
 * TorchScript files in this test's resources are copies of the extractor's fixtures (made by {@code
 * extractor/src/test/resources/io/actdb/extractor/model/make_fixtures.py}): a tiny CNN for 1×28×28
 * inputs whose forward returns {conv1, conv2, hidden, logits} as a dict or a tuple.
 */
class ExtractCommandTest {
  private static final int IMAGES = 40;
  private static final List<String> CNN_LAYERS =
      List.of("conv1", "pool1", "conv2", "pool2", "conv3", "fc1", "logits");

  @TempDir Path dir;
  private Path store;
  private Path images;
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() throws IOException {
    store = dir.resolve("store");
    images = SmallIdx.write(dir.resolve("data"), IMAGES);
    allocator = new RootAllocator();
  }

  @AfterEach
  void noLeaks() {
    assertEquals(0, allocator.getAllocatedMemory());
    allocator.close();
  }

  /** Image {@code i} as the model sees it: bytes / 255. */
  private static float[] input(int i) {
    float[] x = new float[28 * 28];
    for (int p = 0; p < x.length; p++) x[p] = SmallIdx.pixel(i, p) / 255f;
    return x;
  }

  // ---- helpers

  private Cli.Result extract(String... args) {
    List<String> all = new ArrayList<>(List.of("extract", "--store", store.toString()));
    all.addAll(List.of(args));
    if (!all.contains("--device")) all.addAll(List.of("--device", "cpu"));
    return Cli.run(all.toArray(String[]::new));
  }

  private Path fixture(String name) throws IOException {
    Path file = dir.resolve(name);
    try (InputStream in = ExtractCommandTest.class.getResourceAsStream(name)) {
      Files.copy(in, file);
    }
    return file;
  }

  private float[][] readLayer(String model, String layer, long[] idsOut) throws IOException {
    return StoredLayers.read(store, allocator, model, layer, idsOut);
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      double tolerance = 1e-5 * Math.max(1, Math.abs(expected[i]));
      assertEquals(expected[i], actual[i], tolerance, what + "[" + i + "]");
    }
  }

  // ---- built-in model

  @Test
  void freshBuiltinCnnOverAnIdxFile() throws Exception {
    Cli.Result r =
        extract("--model", "cnn", "--seed", "3", "--data", images.toString(), "--batch", "16");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().startsWith("cnn-s3-init: " + IMAGES + " samples in "), r.out());
    for (String layer : CNN_LAYERS)
      assertTrue(r.out().matches("(?s).*\n  " + layer + " .*"), r.out());

    Store s = Store.open(store);
    List<LayerEntry> layers = new ArrayList<>();
    for (String layer : CNN_LAYERS)
      layers.add(s.manifest().layer("cnn-s3-init", layer).orElseThrow());
    assertEquals(CNN_LAYERS.size(), s.layers().size());
    assertEquals(
        List.of(32, 32, 64, 64, 64, 64, 10), layers.stream().map(LayerEntry::dim).toList());
    assertEquals(
        List.of("avg", "avg", "avg", "avg", "avg", "none", "none"),
        layers.stream().map(LayerEntry::pooling).toList());
    for (LayerEntry e : layers) {
      assertEquals("cnn-s3-init", e.model());
      assertEquals(IMAGES, e.rows());
    }
    List<Sample> samples = s.samples(allocator);
    assertEquals(IMAGES, samples.size());
    for (int i = 0; i < IMAGES; i++) {
      Sample sample = samples.get(i);
      assertEquals(i, sample.id());
      assertEquals(SmallIdx.label(i), sample.label());
      assertEquals(String.valueOf(SmallIdx.label(i)), sample.labelName());
    }
    long[] ids = new long[IMAGES];
    float[][] pool1 = readLayer("cnn-s3-init", "pool1", ids);
    for (int i = 0; i < IMAGES; i++) assertEquals(i, ids[i]);
    // average pooling after ReLU: never negative; different images give different vectors
    for (float[] v : pool1) for (float x : v) assertTrue(x >= 0, "pool1 value " + x);
    assertFalse(Arrays.equals(pool1[0], pool1[1]));

    byte[] manifest = Files.readAllBytes(store.resolve("manifest.json"));
    Cli.Result again = extract("--model", "cnn", "--seed", "3", "--data", images.toString());
    assertEquals(0, again.status(), again.err());
    assertEquals(
        "cnn-s3-init: nothing to do, every requested layer is already in " + store + "\n",
        again.out());
    assertTrue(
        again
            .err()
            .contains(
                "cnn-s3-init: already in the store for these samples, skipped: "
                    + String.join(", ", CNN_LAYERS)),
        again.err());
    assertArrayEquals(manifest, Files.readAllBytes(store.resolve("manifest.json")));

    Cli.Result flat =
        extract(
            "--model",
            "cnn",
            "--seed",
            "3",
            "--data",
            images.toString(),
            "--layers",
            "conv1,logits",
            "--pool",
            "flatten",
            "--name",
            "flat");
    assertEquals(0, flat.status(), flat.err());
    Store after = Store.open(store);
    assertEquals(32 * 26 * 26, after.manifest().layer("flat", "conv1").orElseThrow().dim());
    assertEquals("flatten", after.manifest().layer("flat", "conv1").orElseThrow().pooling());
    assertEquals(10, after.manifest().layer("flat", "logits").orElseThrow().dim());
    assertEquals(List.of("cnn-s3-init", "flat"), after.manifest().models());

    // the same weights (same seed): flattening changes the maps' vectors only
    float[][] flatConv1 = readLayer("flat", "conv1", ids);
    float[][] avgConv1 = readLayer("cnn-s3-init", "conv1", ids);
    for (int c = 0; c < 32; c++) {
      double sum = 0;
      for (int p = 0; p < 26 * 26; p++) sum += flatConv1[5][c * 26 * 26 + p];
      assertEquals(
          avgConv1[5][c],
          sum / (26 * 26),
          1e-5 * Math.max(1, Math.abs(avgConv1[5][c])),
          "channel " + c);
    }
    assertArrayEquals(
        readLayer("cnn-s3-init", "logits", ids)[7], readLayer("flat", "logits", ids)[7]);
  }

  // ---- TorchScript

  @Test
  void torchScriptDictModelStoresWhatTheModelComputes() throws Exception {
    Path model = fixture("tiny_cnn_dict.pt");
    Cli.Result r =
        extract("--model", model.toString(), "--data", images.toString(), "--batch", "16");
    assertEquals(0, r.status(), r.err());
    Store s = Store.open(store);
    // a dict's layers come sorted by name
    assertEquals(
        List.of("conv1", "conv2", "hidden", "logits"),
        s.layers().stream().map(LayerEntry::layer).toList());
    assertEquals(List.of(4, 8, 16, 10), s.layers().stream().map(LayerEntry::dim).toList());
    assertEquals("tiny_cnn_dict", s.layers().getFirst().model());

    long[] ids = new long[IMAGES];
    float[][] logits = readLayer("tiny_cnn_dict", "logits", ids);
    float[][] conv1 = readLayer("tiny_cnn_dict", "conv1", ids);
    // the same file run directly on two samples (the 1st and the 18th, which is in the 2nd batch)
    try (TorchScriptModel direct =
            TorchScriptModel.load(model, Device.cpu(), List.of(), 1, 28, 28);
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      for (int i : new int[] {0, 17}) {
        NDArray x = manager.create(input(i), new Shape(1, 1, 28, 28));
        Map<String, NDArray> out = direct.forward(x, Set.of("logits", "conv1"));
        assertClose(out.get("logits").toFloatArray(), logits[i], "logits of sample " + i);
        // conv1 is 4×14×14: the store has its per-channel means
        float[] map = out.get("conv1").toFloatArray();
        float[] means = new float[4];
        for (int c = 0; c < 4; c++) {
          double sum = 0;
          for (int p = 0; p < 14 * 14; p++) sum += map[c * 14 * 14 + p];
          means[c] = (float) (sum / (14 * 14));
        }
        assertClose(means, conv1[i], "conv1 of sample " + i);
      }
    }
  }

  @Test
  void torchScriptTupleModelNeedsOutputNames() throws Exception {
    Path model = fixture("tiny_cnn_tuple.pt");
    Cli.Result r = extract("--model", model.toString(), "--data", images.toString());
    assertEquals(1, r.status(), r.out() + r.err());
    assertTrue(r.err().contains(model.toString()) && r.err().contains("--outputs"), r.err());
    assertFalse(r.err().contains("internal error"), r.err());
    assertFalse(Files.exists(store.resolve("manifest.json")));

    r =
        extract(
            "--model",
            model.toString(),
            "--data",
            images.toString(),
            "--outputs",
            "c1,c2,h,out",
            "--layers",
            "h,out");
    assertEquals(0, r.status(), r.err());
    Store s = Store.open(store);
    assertEquals(List.of("h", "out"), s.layers().stream().map(LayerEntry::layer).toList());
    assertEquals(List.of(16, 10), s.layers().stream().map(LayerEntry::dim).toList());
    assertEquals(List.of("none", "none"), s.layers().stream().map(LayerEntry::pooling).toList());
    assertEquals(IMAGES, s.layers().get(1).rows());
  }

  // ---- errors: exit 1, a message naming the thing, the store as it was

  /** Runs a failing extraction into a store that already has a layer and checks it is unchanged. */
  private Cli.Result failsLeavingTheStore(String... args) throws IOException {
    byte[] manifest = Files.readAllBytes(store.resolve("manifest.json"));
    List<String> before;
    try (var files = Files.list(store)) {
      before = files.map(Path::toString).sorted().toList();
    }
    Cli.Result r = extract(args);
    assertEquals(1, r.status(), r.out() + r.err());
    assertFalse(r.err().contains("internal error"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    assertArrayEquals(manifest, Files.readAllBytes(store.resolve("manifest.json")));
    try (var files = Files.list(store)) {
      assertEquals(before, files.map(Path::toString).sorted().toList());
    }
    return r;
  }

  @Test
  void badInputIsNamedAndLeavesTheStoreAsItWas() throws Exception {
    // a store that does not exist yet is not created by a run that fails
    Cli.Result none =
        extract("--model", "cnn", "--data", images.toString(), "--layers", "nonsense");
    assertEquals(1, none.status(), none.err());
    assertTrue(none.err().contains("has no layer 'nonsense'"), none.err());
    assertFalse(Files.exists(store), "store directory created");

    Cli.Result first = extract("--model", "cnn", "--data", images.toString(), "--layers", "logits");
    assertEquals(0, first.status(), first.err());

    Path missingModel = dir.resolve("models/nothing.pt");
    Cli.Result r =
        failsLeavingTheStore("--model", missingModel.toString(), "--data", images.toString());
    assertTrue(
        r.err().contains(missingModel.toString()) && r.err().contains("no such file"), r.err());

    r =
        failsLeavingTheStore(
            "--model", "cnn", "--data", images.toString(), "--layers", "conv1,conv9");
    assertTrue(r.err().contains("has no layer 'conv9'"), r.err());
    assertTrue(r.err().contains("its layers are: " + String.join(", ", CNN_LAYERS)), r.err());

    Path missingData = dir.resolve("no-such-images-idx3-ubyte.gz");
    r = failsLeavingTheStore("--model", "cnn", "--data", missingData.toString());
    assertTrue(
        r.err().contains(missingData.toString()) && r.err().contains("no such file or folder"),
        r.err());

    r = failsLeavingTheStore("--model", "cnn", "--data", images.toString(), "--device", "gpu");
    assertTrue(
        r.err().contains("--device gpu: PyTorch") && r.err().contains("sees no GPU"), r.err());

    Cli.Result pool = extract("--model", "cnn", "--data", images.toString(), "--pool", "max");
    assertTrue(pool.status() == 1 || pool.status() == 2, pool.err());
    assertTrue(
        pool.err().contains("--pool max") && pool.err().contains("avg or flatten"), pool.err());
  }

  private static byte[] png(int side, long seed) throws IOException {
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(seed);
    for (int y = 0; y < side; y++)
      for (int x = 0; x < side; x++) image.setRGB(x, y, random.nextInt(1 << 24));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  @Test
  void imageFolders() throws Exception {
    Cli.Result first = extract("--model", "cnn", "--data", images.toString(), "--layers", "logits");
    assertEquals(0, first.status(), first.err());
    Path photos = dir.resolve("photos");
    for (String cls : List.of("cats", "dogs")) {
      Path folder = Files.createDirectories(photos.resolve(cls));
      for (int i = 0; i < 5; i++)
        Files.write(folder.resolve("img" + i + ".png"), png(40, cls.hashCode() + i));
    }
    String data = photos.toString();

    // a model that takes any input: the folder's 3×224×224 images, labelled by subfolder
    Path means = fixture("channel_means.pt");
    Cli.Result r =
        extract("--model", means.toString(), "--data", data, "--batch", "4", "--layers", "means");
    assertEquals(0, r.status(), r.err());
    LayerEntry entry = Store.open(store).manifest().layer("channel_means", "means").orElseThrow();
    assertEquals(3, entry.dim());
    assertEquals(10, entry.rows());
    List<Sample> samples = Store.open(store).samples(allocator);
    assertEquals(IMAGES + 10, samples.size());
    assertEquals(
        5,
        samples.stream()
            .filter(s -> "dogs".equals(s.labelName()) && "photos".equals(s.split()))
            .count());

    // the built-in cnn takes 1×28×28: refused before anything runs, saying both shapes
    r = failsLeavingTheStore("--model", "cnn", "--data", data, "--name", "cnn-photos");
    assertTrue(
        r.err().contains("--model cnn takes inputs of 1×28×28")
            && r.err().contains("data set's are 3×224×224"),
        r.err());
    // ... and so does the TorchScript CNN, when it is probed
    Path cnn = fixture("tiny_cnn_dict.pt");
    r = failsLeavingTheStore("--model", cnn.toString(), "--data", data);
    assertTrue(
        r.err().contains(cnn.toString()) && r.err().contains("rejects input of shape 2×3×224×224"),
        r.err());

    // an image that does not decode, in the third batch: named, and nothing is published
    byte[] noise = new byte[500];
    new Random(7).nextBytes(noise);
    Path corrupt = Files.write(photos.resolve("dogs/img3.png"), noise);
    r =
        failsLeavingTheStore(
            "--model", means.toString(), "--data", data, "--batch", "4", "--name", "again");
    assertTrue(r.err().contains(corrupt.toString()) && r.err().contains("decode"), r.err());
  }
}

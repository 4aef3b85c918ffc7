package io.actdb.extractor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.actdb.extractor.data.SampleSource;
import io.actdb.extractor.model.ActivationModel;
import io.actdb.extractor.model.LibTorchSettings;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.LayerSpec;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.Sample;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * One pass of a model over a data set, every requested layer captured into the store.
 *
 * <p>Three stages overlap: a reader thread decodes the next batch of inputs, the calling thread
 * runs the model (each batch in its own native-memory scope), a writer thread appends the previous
 * batch's vectors to the layers' Arrow files. Nothing becomes visible before the whole pass
 * succeeded: then the samples and all layers are published together, by one manifest update. A run
 * that dies at any moment leaves the store as it was (the next writer removes the files it left),
 * and running it again skips the layers that are already complete for the same samples.
 */
public final class Extraction {
  private Extraction() {}

  /** How convolutional maps (N × C × H × W, or any output of rank > 2) become vectors. */
  public enum Pooling {
    /** Global average over every axis after the channel axis. */
    AVG("avg"),
    /** All values of the map, row-major. */
    FLATTEN("flatten");

    private final String storeName;

    Pooling(String storeName) {
      this.storeName = storeName;
    }

    /** The name recorded in the manifest. */
    public String storeName() {
      return storeName;
    }
  }

  /**
   * @param modelName name in the store; null takes the model's own
   * @param layers layer names to capture; empty means all
   * @param replace rewrite layers the store already has (otherwise they are skipped when they hold
   *     exactly these samples, and refused when they hold others)
   */
  public record Options(
      String modelName, List<String> layers, int batchSize, Pooling pooling, boolean replace) {
    public Options {
      layers = List.copyOf(layers);
      if (batchSize < 1)
        throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
  }

  /** Called on the extracting thread. */
  public interface Progress {
    default void started(String model, List<String> layers, List<String> skipped, int samples) {}

    default void advanced(int samplesDone) {}
  }

  /**
   * What a run did. {@code readSeconds} and {@code writeSeconds} are busy times of the reader and
   * writer threads, which overlap with {@code computeSeconds}.
   */
  public record Summary(
      String model,
      List<LayerEntry> written,
      List<String> skipped,
      int samples,
      double seconds,
      double readSeconds,
      double computeSeconds,
      double writeSeconds) {
    public double samplesPerSecond() {
      return seconds > 0 ? samples / seconds : 0;
    }
  }

  public static Summary run(
      ActivationModel model,
      SampleSource data,
      StoreWriter store,
      Device device,
      Options options,
      Progress progress)
      throws IOException {
    long start = System.nanoTime();
    String modelName = options.modelName() != null ? options.modelName() : model.name();
    List<String> wanted = chooseLayers(model, options.layers());
    if (data.size() == 0)
      throw new ExtractorException(data.description() + ": no samples to extract");
    List<Sample> samples =
        StoredLayers.distinctSamples(data.description(), data.size(), data::sample);
    List<String> skipped = new ArrayList<>();
    List<String> todo =
        StoredLayers.toWrite(
            store,
            modelName,
            wanted,
            samples,
            data.description(),
            null,
            options.replace(),
            skipped);
    progress.started(modelName, todo, skipped, data.size());
    if (todo.isEmpty()) {
      return new Summary(modelName, List.of(), skipped, data.size(), seconds(start), 0, 0, 0);
    }
    try (Pass pass = new Pass(model, data, store, device, modelName, todo, options)) {
      pass.run(progress);
      // One publication for the samples and every layer: a run killed at any moment leaves the
      // store as it was before it, and a reader never sees a row without its sample.
      List<LayerEntry> committed = pass.commit(samples);
      return new Summary(
          modelName,
          committed,
          skipped,
          data.size(),
          seconds(start),
          pass.readNanos / 1e9,
          pass.computeNanos / 1e9,
          pass.writeNanos / 1e9);
    }
  }

  /**
   * The requested layers in the model's order ({@code all} or none: every layer); unknown names are
   * an error listing the known.
   */
  public static List<String> chooseLayers(ActivationModel model, List<String> requested)
      throws ExtractorException {
    List<String> known = model.layerNames();
    if (requested.isEmpty() || requested.equals(List.of("all"))) return known;
    Set<String> set = new LinkedHashSet<>();
    for (String r : requested) {
      if (!known.contains(r)) {
        throw new ExtractorException(
            "model "
                + model.name()
                + " has no layer '"
                + r
                + "'; its layers are: "
                + String.join(", ", known));
      }
      set.add(r);
    }
    return known.stream().filter(set::contains).toList();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** One batch of inputs as read from the data set. */
  private record InputBatch(long[] ids, float[] values, int rows) {}

  /** One batch of captured vectors, per layer, on the heap. */
  private record OutputBatch(long[] ids, int rows, Map<String, float[]> vectors) {}

  /** The threads and open layer writers of one run. */
  private static final class Pass implements AutoCloseable {
    private final ActivationModel model;
    private final SampleSource data;
    private final StoreWriter store;
    private final Device device;
    private final String modelName;
    private final List<String> layers;
    private final Options options;
    private final ExecutorService reader =
        Executors.newSingleThreadExecutor(daemon("actdb-extract-read"));
    private final ExecutorService writer =
        Executors.newSingleThreadExecutor(daemon("actdb-extract-write"));
    private final Map<String, LayerWriter> writers = new LinkedHashMap<>();
    private final Map<String, Integer> dims = new LinkedHashMap<>();
    private final Map<String, String> poolings = new LinkedHashMap<>();
    private volatile long readNanos;
    private volatile long writeNanos;
    private long computeNanos;

    Pass(
        ActivationModel model,
        SampleSource data,
        StoreWriter store,
        Device device,
        String modelName,
        List<String> layers,
        Options options) {
      this.model = model;
      this.data = data;
      this.store = store;
      this.device = device;
      this.modelName = modelName;
      this.layers = layers;
      this.options = options;
    }

    void run(Progress progress) throws IOException {
      int n = data.size();
      int batch = options.batchSize();
      Set<String> wanted = new LinkedHashSet<>(layers);
      // Two reads ahead and two writes behind keep every stage busy without holding more
      // than a handful of batches in memory.
      ArrayDeque<Future<InputBatch>> reads = new ArrayDeque<>();
      ArrayDeque<Future<?>> writes = new ArrayDeque<>();
      int nextRead = 0;
      int done = 0;
      LibTorchSettings.startEngine();
      try (NDManager base = NDManager.newBaseManager(device)) {
        while (done < n) {
          while (reads.size() < 2 && nextRead < n) {
            int from = nextRead;
            int to = Math.min(n, from + batch);
            reads.add(reader.submit(() -> read(from, to)));
            nextRead = to;
          }
          InputBatch input = await(reads.removeFirst());
          long t0 = System.nanoTime();
          OutputBatch output;
          try (NDManager scope = base.newSubManager()) {
            NDArray x =
                scope.create(
                    FloatBuffer.wrap(input.values(), 0, input.rows() * data.valuesPerSample()),
                    new Shape(input.rows(), data.channels(), data.height(), data.width()));
            Map<String, NDArray> captured = model.forward(x, wanted);
            output = new OutputBatch(input.ids(), input.rows(), toHeap(captured, input.rows()));
          }
          computeNanos += System.nanoTime() - t0;
          if (writers.isEmpty()) beginLayers(output);
          while (writes.size() >= 2) await(writes.removeFirst());
          writes.add(writer.submit(() -> write(output)));
          done += input.rows();
          progress.advanced(done);
        }
        while (!writes.isEmpty()) await(writes.removeFirst());
      }
    }

    private InputBatch read(int from, int to) throws IOException {
      long t0 = System.nanoTime();
      int rows = to - from;
      int per = data.valuesPerSample();
      float[] values = new float[rows * per];
      long[] ids = new long[rows];
      for (int i = 0; i < rows; i++) {
        ids[i] = data.sample(from + i).id();
        data.read(from + i, values, i * per);
        if (Thread.currentThread().isInterrupted()) throw new IOException("extraction cancelled");
      }
      readNanos += System.nanoTime() - t0;
      return new InputBatch(ids, values, rows);
    }

    /**
     * Pools each captured output and copies it to the heap, so the batch's native scope can close.
     */
    private Map<String, float[]> toHeap(Map<String, NDArray> captured, int rows)
        throws ExtractorException {
      Map<String, float[]> vectors = new LinkedHashMap<>();
      for (String layer : layers) {
        NDArray out = captured.get(layer);
        if (out == null)
          throw new ExtractorException("model " + model.name() + " did not return layer " + layer);
        Shape shape = out.getShape();
        if (shape.dimension() == 0 || shape.get(0) != rows) {
          throw new ExtractorException(
              "model "
                  + model.name()
                  + ": layer "
                  + layer
                  + " has shape "
                  + shape
                  + ", expected "
                  + rows
                  + " rows first");
        }
        poolings.putIfAbsent(layer, shape.dimension() > 2 ? options.pooling().storeName() : "none");
        NDArray flat = vectorsOf(out, options.pooling());
        vectors.put(layer, flat.toType(DataType.FLOAT32, false).toFloatArray());
      }
      return vectors;
    }

    private void beginLayers(OutputBatch first) throws IOException {
      for (String layer : layers) {
        int dim = first.vectors().get(layer).length / first.rows();
        dims.put(layer, dim);
      }
      // The position is the index in the model's own layer list, not in the chosen subset:
      // layers extracted in separate runs then still sort in forward order.
      List<String> forwardOrder = model.layerNames();
      for (String layer : layers) {
        writers.put(
            layer,
            store.beginLayer(
                new LayerSpec(
                    modelName,
                    layer,
                    dims.get(layer),
                    poolings.get(layer),
                    forwardOrder.indexOf(layer),
                    false,
                    null)));
      }
    }

    /** Vectors (N × d) from a layer output: maps pooled or flattened, rank 1 and 2 as they are. */
    private static NDArray vectorsOf(NDArray out, Pooling pooling) {
      Shape shape = out.getShape();
      int rank = shape.dimension();
      if (rank <= 2) {
        return rank == 1 ? out.reshape(shape.get(0), 1) : out;
      }
      if (pooling == Pooling.FLATTEN) return out.reshape(shape.get(0), -1);
      // DJL's PyTorch mean takes one axis: fold the spatial axes into one first.
      return out.reshape(shape.get(0), shape.get(1), -1).mean(new int[] {2});
    }

    private Void write(OutputBatch batch) throws IOException {
      long t0 = System.nanoTime();
      for (String layer : layers) {
        float[] v = batch.vectors().get(layer);
        int dim = dims.get(layer);
        if (v.length != dim * batch.rows()) {
          throw new ExtractorException(
              "model "
                  + model.name()
                  + ": layer "
                  + layer
                  + " gave "
                  + v.length / batch.rows()
                  + " values per sample"
                  + " in a later batch, "
                  + dim
                  + " in the first");
        }
        writers.get(layer).append(batch.ids(), v, batch.rows());
      }
      writeNanos += System.nanoTime() - t0;
      return null;
    }

    List<LayerEntry> commit(List<Sample> samples) throws IOException {
      long t0 = System.nanoTime();
      List<LayerEntry> entries = store.publish(samples, new ArrayList<>(writers.values()));
      writeNanos += System.nanoTime() - t0;
      return entries;
    }

    @Override
    public void close() throws IOException {
      reader.shutdownNow();
      writer.shutdownNow();
      // The layer writers close only once no write is under way on them, and not on an
      // interrupted thread (a Ctrl-C), whose file channels would refuse the cleanup.
      boolean interrupted = Thread.interrupted();
      awaitQuietly(writer);
      IOException first = null;
      try {
        for (LayerWriter w : writers.values()) {
          try {
            w.close();
          } catch (IOException e) {
            if (first == null) first = e;
          }
        }
      } finally {
        if (interrupted) Thread.currentThread().interrupt();
      }
      if (first != null) throw first;
    }
  }

  private static <T> T await(Future<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("extraction interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) throw io;
      if (cause instanceof RuntimeException re) throw re;
      if (cause instanceof Error err) throw err;
      throw new IOException(cause);
    }
  }

  /** Waits a little for a shut-down executor's task to end. */
  static void awaitQuietly(ExecutorService executor) {
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}

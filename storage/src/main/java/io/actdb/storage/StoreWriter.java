package io.actdb.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

/**
 * The one writer of a store directory (a lock file keeps out other writers; readers need no
 * lock). Every change is published the same way: the new file is written under a temporary
 * name, synced and renamed to a name never used before (it carries the manifest generation),
 * then the manifest is replaced the same way. A process killed at any moment therefore leaves
 * the previous manifest and the files it names intact; the next writer removes the leftovers.
 */
public final class StoreWriter implements AutoCloseable {
  static final String LOCK_FILE = ".lock";
  static final String ACTIVATIONS_DIR = "activations";
  static final String TEMP_SUFFIX = ".tmp";

  private final Path dir;
  private final BufferAllocator allocator;
  private final boolean ownsAllocator;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private Manifest manifest;
  /** Layers being written, not yet committed or abandoned. */
  private final List<LayerWriter> openLayers = new ArrayList<>();
  private boolean closed;

  private StoreWriter(Path dir, BufferAllocator allocator, boolean ownsAllocator) throws IOException {
    this.dir = dir;
    this.allocator = allocator;
    this.ownsAllocator = ownsAllocator;
    Files.createDirectories(dir);
    this.lockChannel =
        FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock acquired;
    try {
      acquired = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      acquired = null;
    }
    if (acquired == null) {
      lockChannel.close();
      throw new StoreException(
          dir + ": another writer (an extract or import) is writing this store; wait for it to end");
    }
    this.lock = acquired;
    try {
      Path manifestFile = dir.resolve(Manifest.FILE_NAME);
      manifest =
          Files.exists(manifestFile)
              ? Manifest.parse(Files.readAllBytes(manifestFile), manifestFile.toString())
              : Manifest.empty();
      removeLeftovers();
    } catch (IOException | RuntimeException e) {
      lock.release();
      lockChannel.close();
      throw e;
    }
  }

  /** Opens (creating if needed) the store at {@code dir} for writing, with its own allocator. */
  public static StoreWriter open(Path dir) throws IOException {
    RootAllocator root = new RootAllocator();
    try {
      return new StoreWriter(dir, root, true);
    } catch (IOException | RuntimeException e) {
      root.close();
      throw e;
    }
  }

  /** Opens the store for writing with Arrow memory taken from {@code allocator} (not closed here). */
  public static StoreWriter open(Path dir, BufferAllocator allocator) throws IOException {
    return new StoreWriter(dir, allocator, false);
  }

  /** The store directory. */
  public Path directory() {
    return dir;
  }

  /** What is published now. */
  public Manifest manifest() {
    return manifest;
  }

  /**
   * Starts writing layer {@code model/layer}; it replaces any published layer of that name
   * when committed. Several layers may be written at once (an extraction captures them in one
   * pass), each committed on its own; one writer per layer name.
   *
   * @param pooling how vectors were made from feature maps ({@code avg}, {@code flatten},
   *     {@code none}, {@code imported})
   */
  public LayerWriter beginLayer(String model, String layer, int dim, String pooling) throws IOException {
    checkOpen();
    checkName("model", model);
    checkName("layer", layer);
    if (dim <= 0) throw new IllegalArgumentException("dim must be positive, got " + dim);
    for (LayerWriter open : openLayers) {
      if (open.model().equals(model) && open.layer().equals(layer)) {
        throw new IllegalStateException("layer " + model + "/" + layer + " is already being written");
      }
    }
    String relative =
        ACTIVATIONS_DIR + "/" + fileSafe(model) + "/" + fileSafe(layer) + "-g" + (manifest.generation() + 1) + ".arrow";
    // A name already used by a published file (possible only after a crash between two
    // writers' generations) gets a counter.
    int attempt = 1;
    while (Files.exists(dir.resolve(relative)) || referenced(relative) || beingWritten(relative)) {
      relative =
          ACTIVATIONS_DIR + "/" + fileSafe(model) + "/" + fileSafe(layer) + "-g"
              + (manifest.generation() + 1) + "-" + attempt++ + ".arrow";
    }
    Path target = dir.resolve(relative);
    Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    LayerWriter writer = new LayerWriter(this, model, layer, dim, pooling, temp, relative, allocator);
    openLayers.add(writer);
    return writer;
  }

  private boolean beingWritten(String relative) {
    return openLayers.stream().anyMatch(w -> w.relativeFile().equals(relative));
  }

  private boolean referenced(String relative) {
    if (manifest.samples() != null && manifest.samples().file().equals(relative)) return true;
    return manifest.layers().stream().anyMatch(e -> e.file().equals(relative));
  }

  LayerEntry publishLayer(LayerWriter writer, LayerEntry entry, Path temp) throws IOException {
    openLayers.remove(writer);
    Path target = dir.resolve(entry.file());
    try {
      Durable.publish(temp, target);
      Durable.syncDirectory(target.getParent().getParent());
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    LayerEntry replaced = manifest.layer(entry.model(), entry.layer()).orElse(null);
    writeManifest(manifest.withLayer(entry, manifest.generation() + 1));
    if (replaced != null && !replaced.file().equals(entry.file())) {
      Files.deleteIfExists(dir.resolve(replaced.file()));
    }
    return entry;
  }

  void layerAbandoned(LayerWriter writer) {
    openLayers.remove(writer);
  }

  /** Removes a published layer (its file goes once the manifest no longer names it). */
  public void removeLayer(String model, String layer) throws IOException {
    checkOpen();
    LayerEntry entry =
        manifest
            .layer(model, layer)
            .orElseThrow(() -> new StoreException(dir + ": no layer " + model + "/" + layer));
    writeManifest(manifest.withoutLayer(model, layer, manifest.generation() + 1));
    Files.deleteIfExists(dir.resolve(entry.file()));
  }

  /**
   * Adds samples and publishes the new samples file. A sample whose id is already in the store
   * must carry the same metadata (it is then left as it is).
   *
   * @return how many samples were new
   * @throws StoreException if an id is given twice with different metadata
   */
  public int addSamples(Collection<Sample> samples) throws IOException {
    return addSamples(samples, false);
  }

  /**
   * Adds the samples whose ids the store does not have yet, leaving the others as they are
   * (their metadata may differ): how imported layers bring their samples.
   *
   * @return how many samples were new
   */
  public int addMissingSamples(Collection<Sample> samples) throws IOException {
    return addSamples(samples, true);
  }

  private int addSamples(Collection<Sample> samples, boolean keepExisting) throws IOException {
    checkOpen();
    TreeMap<Long, Sample> merged = new TreeMap<>();
    for (Sample s : Store.readSamples(dir, manifest, allocator)) merged.put(s.id(), s);
    int added = 0;
    for (Sample s : samples) {
      Sample existing = merged.get(s.id());
      if (existing == null) {
        merged.put(s.id(), s);
        added++;
      } else if (!keepExisting && !existing.equals(s)) {
        throw new StoreException(
            dir + ": sample_id " + s.id() + " is already in the store as " + existing
                + "; refusing to replace it with " + s);
      }
    }
    if (added == 0 && manifest.samples() != null) return 0;
    long generation = manifest.generation() + 1;
    String relative = "samples-g" + generation + ".arrow";
    Path target = dir.resolve(relative);
    Path temp = target.resolveSibling(relative + TEMP_SUFFIX);
    long bytes;
    try {
      bytes = writeSamplesFile(temp, merged.values());
      Durable.publish(temp, target);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    SamplesEntry previous = manifest.samples();
    writeManifest(manifest.withSamples(new SamplesEntry(merged.size(), relative, bytes), generation));
    if (previous != null) Files.deleteIfExists(dir.resolve(previous.file()));
    return added;
  }

  private long writeSamplesFile(Path file, Collection<Sample> samples) throws IOException {
    final int batch = 8192;
    try (BufferAllocator child = allocator.newChildAllocator("samples", 0, Long.MAX_VALUE);
        VectorSchemaRoot root = VectorSchemaRoot.create(StoreSchemas.samples(), child);
        FileChannel ch =
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, ch)) {
      BigIntVector ids = (BigIntVector) root.getVector(0);
      VarCharVector split = (VarCharVector) root.getVector(1);
      IntVector label = (IntVector) root.getVector(2);
      VarCharVector labelName = (VarCharVector) root.getVector(3);
      VarCharVector source = (VarCharVector) root.getVector(4);
      writer.start();
      List<Sample> all = new ArrayList<>(samples);
      for (int start = 0; start < all.size() || start == 0; start += batch) {
        int n = Math.min(batch, all.size() - start);
        root.allocateNew();
        for (int i = 0; i < n; i++) {
          Sample s = all.get(start + i);
          ids.setSafe(i, s.id());
          setText(split, i, s.split());
          if (s.label() == null) label.setNull(i);
          else label.setSafe(i, s.label());
          setText(labelName, i, s.labelName());
          setText(source, i, s.source());
        }
        root.setRowCount(n);
        writer.writeBatch();
        if (all.isEmpty()) break;
      }
      writer.end();
      ch.force(true);
      return ch.size();
    }
  }

  private static void setText(VarCharVector v, int i, String text) {
    if (text == null) v.setNull(i);
    else v.setSafe(i, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private void writeManifest(Manifest next) throws IOException {
    Durable.replace(dir.resolve(Manifest.FILE_NAME), next.toJson());
    manifest = next;
  }

  /**
   * Deletes what an interrupted writer left: temporary files, and store files that no manifest
   * names (renamed into place just before the process died, the manifest not yet replaced).
   */
  private void removeLeftovers() throws IOException {
    Set<Path> keep = new HashSet<>();
    for (LayerEntry e : manifest.layers()) keep.add(dir.resolve(e.file()).normalize());
    if (manifest.samples() != null) keep.add(dir.resolve(manifest.samples().file()).normalize());
    Files.deleteIfExists(dir.resolve(Manifest.FILE_NAME + TEMP_SUFFIX));
    try (Stream<Path> top = Files.list(dir)) {
      for (Path p : (Iterable<Path>) top::iterator) {
        String name = p.getFileName().toString();
        boolean ours = name.startsWith("samples-g") && (name.endsWith(".arrow") || name.endsWith(".arrow" + TEMP_SUFFIX));
        if (ours && !keep.contains(p.normalize())) Files.deleteIfExists(p);
      }
    }
    Path activations = dir.resolve(ACTIVATIONS_DIR);
    if (!Files.isDirectory(activations)) return;
    try (Stream<Path> all = Files.walk(activations)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (!Files.isRegularFile(p)) continue;
        String name = p.getFileName().toString();
        boolean ours = name.endsWith(".arrow") || name.endsWith(".arrow" + TEMP_SUFFIX);
        if (ours && !keep.contains(p.normalize())) Files.deleteIfExists(p);
      }
    }
  }

  private static void checkName(String what, String name) throws StoreException {
    Objects.requireNonNull(name, what);
    StoreNames.check(what, name);
  }

  /** A file-name-safe form of a model or layer name (the manifest keeps the real name). */
  static String fileSafe(String name) {
    StringBuilder b = new StringBuilder();
    for (char c : name.toCharArray()) {
      b.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '-' || c == '_' ? c : '_');
    }
    String s = b.toString();
    return s.startsWith(".") ? "_" + s : s;
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException("store writer for " + dir + " is closed");
  }

  /** Abandons an uncommitted layer, releases the lock and (if it owns it) the allocator. */
  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    try {
      for (LayerWriter open : List.copyOf(openLayers)) open.close();
    } finally {
      try {
        lock.release();
        lockChannel.close();
      } finally {
        if (ownsAllocator) allocator.close();
      }
    }
  }
}

package io.actdb.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The one writer of a store directory (a lock file keeps out other writers; readers need no lock).
 * Every change is published the same way: the new file is written under a temporary name, synced
 * and renamed to a name never used before (it carries the manifest generation), then the manifest
 * is replaced the same way. A process killed at any moment therefore leaves the previous manifest
 * and the files it names intact; the next writer removes the leftovers.
 */
public final class StoreWriter implements AutoCloseable {
  static final String LOCK_FILE = ".lock";
  static final String ACTIVATIONS_DIR = "activations";
  static final String TEMP_SUFFIX = ".tmp";
  private static final Pattern SAMPLES_FILE =
      Pattern.compile("samples-g[0-9]+(-[0-9]+)?\\.arrow(\\.tmp)?");
  private static final Pattern LAYER_FILE =
      Pattern.compile(".+-g[0-9]+(-[0-9]+)?\\.arrow(\\.tmp)?");

  private final Path dir;
  private final BufferAllocator allocator;
  private final boolean ownsAllocator;
  private final FileChannel lockChannel;
  private final FileLock lock;

  /**
   * This writer made the directory, or the first manifest in it: undone if nothing is published.
   */
  private final boolean createdDirectory;

  private boolean createdManifest;
  private Manifest manifest;

  /** Layers being written, not yet committed or abandoned. */
  private final List<LayerWriter> openLayers = new ArrayList<>();

  private boolean closed;

  private StoreWriter(Path dir, BufferAllocator allocator, boolean ownsAllocator)
      throws IOException {
    this.dir = dir.toAbsolutePath().normalize();
    this.allocator = allocator;
    this.ownsAllocator = ownsAllocator;
    if (Files.exists(this.dir) && !Files.isDirectory(this.dir)) {
      throw new StoreException(
          this.dir + ": not a directory; a store is a directory (use a new or empty one)");
    }
    this.createdDirectory = !Files.exists(this.dir);
    if (createdDirectory) {
      Files.createDirectories(this.dir);
    } else {
      refuseForeignDirectory();
    }
    FileChannel channel = null;
    FileLock acquired = null;
    try {
      channel =
          FileChannel.open(
              this.dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        acquired = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        acquired = null;
      }
      if (acquired == null) {
        throw new StoreException(
            this.dir
                + ": another writer (an extract or import) is writing this store; wait for it to"
                + " end");
      }
      Path manifestFile = this.dir.resolve(Manifest.FILE_NAME);
      if (Files.exists(manifestFile)) {
        manifest = Manifest.parse(Files.readAllBytes(manifestFile), manifestFile.toString());
        manifest.checkFilesInside(this.dir, manifestFile.toString());
        createdManifest = false;
      } else {
        // Published at once, so that whatever a killed first writer leaves lies in a store the
        // next writer recognises and cleans up.
        writeManifest(Manifest.empty());
        createdManifest = true;
      }
      removeLeftovers();
    } catch (IOException | RuntimeException e) {
      if (acquired != null) acquired.release();
      if (channel != null) channel.close();
      if (acquired != null && createdManifest) removeUnusedStore();
      else if (createdDirectory) deleteEmptyDirectory(this.dir);
      throw e;
    }
    this.lockChannel = channel;
    this.lock = acquired;
  }

  /**
   * A directory without a manifest may become a store only when it is empty (a lock file or a
   * manifest temporary file of a writer killed before its first publication aside): anything else
   * there belongs to someone else, or to a store whose manifest was lost.
   */
  private void refuseForeignDirectory() throws IOException {
    if (Files.exists(dir.resolve(Manifest.FILE_NAME), LinkOption.NOFOLLOW_LINKS)) return;
    List<String> foreign = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        if (!name.equals(LOCK_FILE) && !name.equals(Manifest.FILE_NAME + TEMP_SUFFIX))
          foreign.add(name);
      }
    }
    if (!foreign.isEmpty()) {
      foreign.sort(null);
      throw new StoreException(
          dir
              + ": not an actdb store (no "
              + Manifest.FILE_NAME
              + ", but it holds "
              + String.join(", ", foreign.subList(0, Math.min(3, foreign.size())))
              + (foreign.size() > 3 ? ", ..." : "")
              + "); use an empty or new directory. Nothing was changed.");
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

  /**
   * Opens the store for writing with Arrow memory taken from {@code allocator} (not closed here).
   */
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
   * Starts writing layer {@code model/layer} of one row per sample; it replaces any published layer
   * of that name when committed. Several layers may be written at once (an extraction captures them
   * in one pass), each committed on its own; one writer per layer name. Its position is where the
   * published layer of that name is, else after the model's last layer (published or being
   * written).
   *
   * @param pooling how vectors were made from feature maps ({@code avg}, {@code flatten}, {@code
   *     none}, {@code imported})
   */
  public LayerWriter beginLayer(String model, String layer, int dim, String pooling)
      throws IOException {
    return beginLayer(new LayerSpec(model, layer, dim, pooling, -1, false, null));
  }

  /**
   * Starts writing the layer {@code spec} describes: of one row per sample, or of one row per token
   * ({@link LayerSpec#tokenRows()}), at its forward position (negative: as {@link
   * #beginLayer(String, String, int, String)} places it).
   */
  public LayerWriter beginLayer(LayerSpec spec) throws IOException {
    Objects.requireNonNull(spec, "spec");
    String model = spec.model();
    String layer = spec.layer();
    int dim = spec.dim();
    checkOpen();
    checkName("model", model);
    checkName("layer", layer);
    if (dim <= 0) throw new IllegalArgumentException("dim must be positive, got " + dim);
    for (LayerWriter open : openLayers) {
      if (open.model().equals(model) && open.layer().equals(layer)) {
        throw new IllegalStateException(
            "layer " + model + "/" + layer + " is already being written");
      }
    }
    String stem =
        ACTIVATIONS_DIR
            + "/"
            + fileSafe(model)
            + "/"
            + fileSafe(layer)
            + "-g"
            + (manifest.generation() + 1);
    String relative = stem + ".arrow";
    // A name already used by a published file (possible only after a crash between two
    // writers' generations) gets a counter.
    int attempt = 1;
    while (Files.exists(dir.resolve(relative)) || referenced(relative) || beingWritten(relative)) {
      relative = stem + "-" + attempt++ + ".arrow";
    }
    Path target = dir.resolve(relative);
    Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    int position = spec.position() >= 0 ? spec.position() : nextPosition(model, layer);
    LayerWriter writer = new LayerWriter(this, spec, position, temp, relative, allocator);
    openLayers.add(writer);
    return writer;
  }

  /** Where a layer given without a position goes: where it is, or after the model's last layer. */
  private int nextPosition(String model, String layer) {
    var published = manifest.layer(model, layer);
    if (published.isPresent()) return published.get().position();
    int last = -1;
    for (LayerEntry e : manifest.layersOf(model)) last = Math.max(last, e.position());
    for (LayerWriter open : openLayers) {
      if (open.model().equals(model)) last = Math.max(last, open.position());
    }
    return last + 1;
  }

  private boolean beingWritten(String relative) {
    return openLayers.stream().anyMatch(w -> w.relativeFile().equals(relative));
  }

  private boolean referenced(String relative) {
    if (manifest.samples() != null && manifest.samples().file().equals(relative)) return true;
    return manifest.layers().stream().anyMatch(e -> e.file().equals(relative));
  }

  void layerAbandoned(LayerWriter writer) throws IOException {
    openLayers.remove(writer);
    // The folder made for an abandoned layer goes with it (an interrupted first extraction of a
    // model leaves no empty model folder); one holding published files or open layers stays.
    Path folder = writer.temp().getParent();
    if (openLayers.stream().noneMatch(open -> open.temp().getParent().equals(folder))) {
      deleteEmptyDirectory(folder);
      deleteEmptyDirectory(dir.resolve(ACTIVATIONS_DIR));
    }
  }

  /**
   * Publishes in one step the samples of {@code missingSamples} that the store does not have yet
   * and the layers of {@code layers} (their writers finished here): all files are written and
   * renamed into place first, then one manifest names them all. A process killed before that
   * manifest is written leaves the store as it was; its files are leftovers the next writer
   * removes.
   *
   * @return the published layer entries, in the order of {@code layers}
   */
  public List<LayerEntry> publish(Collection<Sample> missingSamples, List<LayerWriter> layers)
      throws IOException {
    checkOpen();
    for (LayerWriter w : layers) {
      if (!openLayers.contains(w))
        throw new IllegalStateException(
            "layer "
                + w.model()
                + "/"
                + w.layer()
                + " is closed, or not being written by this writer");
    }
    long generation = manifest.generation() + 1;
    Manifest next = manifest;
    List<Path> placed = new ArrayList<>();
    List<LayerEntry> entries = new ArrayList<>();
    try {
      if (!missingSamples.isEmpty()) {
        SamplesEntry samples = writeSamples(missingSamples, true, generation, placed);
        if (samples != null) next = next.withSamples(samples, generation);
      }
      for (LayerWriter w : layers) {
        LayerEntry entry = w.finish();
        Path target = StorePaths.inside(dir, entry.file(), "layer " + entry.qualifiedName());
        Durable.publish(w.temp(), target);
        placed.add(target);
        Durable.syncDirectory(target.getParent().getParent());
        entries.add(entry);
        next = next.withLayer(entry, generation);
      }
      if (next == manifest) return entries;
      Manifest previous = manifest;
      writeManifest(
          new Manifest(
              next.format(), next.formatVersion(), generation, next.samples(), next.layers()));
      placed.clear();
      deleteReplaced(previous);
      return entries;
    } catch (IOException | RuntimeException e) {
      // Nothing of this publication is in a manifest: its files are this writer's own.
      try {
        for (LayerWriter w : layers) {
          w.close();
          Files.deleteIfExists(w.temp());
        }
        for (Path p : placed) Files.deleteIfExists(p);
      } catch (IOException | RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    } finally {
      openLayers.removeAll(layers);
    }
  }

  /** Deletes the files {@code previous} named that the current manifest no longer names. */
  private void deleteReplaced(Manifest previous) throws IOException {
    Set<String> kept = new HashSet<>();
    if (manifest.samples() != null) kept.add(manifest.samples().file());
    for (LayerEntry e : manifest.layers()) kept.add(e.file());
    if (previous.samples() != null && !kept.contains(previous.samples().file())) {
      deleteOwned(previous.samples().file(), "the samples entry");
    }
    for (LayerEntry e : previous.layers()) {
      if (!kept.contains(e.file())) deleteOwned(e.file(), "layer " + e.qualifiedName());
    }
  }

  /** Deletes a file a manifest named, after checking again that it lies inside the store. */
  private void deleteOwned(String relative, String what) throws IOException {
    Path file = StorePaths.inside(dir, relative, Manifest.FILE_NAME + ": " + what);
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) Files.deleteIfExists(file);
  }

  /** Removes a published layer (its file goes once the manifest no longer names it). */
  public void removeLayer(String model, String layer) throws IOException {
    checkOpen();
    manifest
        .layer(model, layer)
        .orElseThrow(() -> new StoreException(dir + ": no layer " + model + "/" + layer));
    Manifest previous = manifest;
    writeManifest(manifest.withoutLayer(model, layer, manifest.generation() + 1));
    deleteReplaced(previous);
  }

  /**
   * Adds samples and publishes the new samples file. A sample whose id is already in the store must
   * carry the same metadata (it is then left as it is).
   *
   * @return how many samples were new
   * @throws StoreException if an id is given twice with different metadata
   */
  public int addSamples(Collection<Sample> samples) throws IOException {
    return addSamples(samples, false);
  }

  /**
   * Adds the samples whose ids the store does not have yet, leaving the others as they are (their
   * metadata may differ): how imported layers bring their samples.
   *
   * @return how many samples were new
   */
  public int addMissingSamples(Collection<Sample> samples) throws IOException {
    return addSamples(samples, true);
  }

  private int addSamples(Collection<Sample> samples, boolean keepExisting) throws IOException {
    checkOpen();
    long generation = manifest.generation() + 1;
    long before = manifest.samples() == null ? 0 : manifest.samples().rows();
    List<Path> placed = new ArrayList<>();
    SamplesEntry entry;
    try {
      entry = writeSamples(samples, keepExisting, generation, placed);
      if (entry == null) return 0;
      Manifest previous = manifest;
      writeManifest(manifest.withSamples(entry, generation));
      placed.clear();
      deleteReplaced(previous);
    } finally {
      for (Path p : placed) Files.deleteIfExists(p);
    }
    return (int) (entry.rows() - before);
  }

  /**
   * Merges {@code samples} into the published ones and writes the result to a new samples file in
   * place (added to {@code placed}), not yet in the manifest.
   *
   * @return its entry, or null when no sample is new and the store has a samples file
   */
  private SamplesEntry writeSamples(
      Collection<Sample> samples, boolean keepExisting, long generation, List<Path> placed)
      throws IOException {
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
            dir
                + ": sample_id "
                + s.id()
                + " is already in the store as "
                + existing
                + "; refusing to replace it with "
                + s);
      }
    }
    if (added == 0 && manifest.samples() != null) return null;
    String relative = "samples-g" + generation + ".arrow";
    Path target = dir.resolve(relative);
    Path temp = target.resolveSibling(relative + TEMP_SUFFIX);
    SamplesEntry entry;
    try {
      entry = writeSamplesFile(temp, merged.values(), relative);
      Durable.publish(temp, target);
      placed.add(target);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return entry;
  }

  private SamplesEntry writeSamplesFile(Path file, Collection<Sample> samples, String relative)
      throws IOException {
    final int batch = 8192;
    try (BufferAllocator child = allocator.newChildAllocator("samples", 0, Long.MAX_VALUE);
        VectorSchemaRoot root = VectorSchemaRoot.create(StoreSchemas.samples(), child);
        ChecksummedArrowFile writer = new ChecksummedArrowFile(file, root)) {
      BigIntVector ids = (BigIntVector) root.getVector(0);
      VarCharVector split = (VarCharVector) root.getVector(1);
      IntVector label = (IntVector) root.getVector(2);
      VarCharVector labelName = (VarCharVector) root.getVector(3);
      VarCharVector source = (VarCharVector) root.getVector(4);
      VarCharVector text = (VarCharVector) root.getVector(5);
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
          setText(text, i, s.text());
        }
        root.setRowCount(n);
        writer.writeBatch();
        if (all.isEmpty()) break;
      }
      FileChecksums checksums = writer.finish();
      return new SamplesEntry(all.size(), relative, writer.size(), checksums, true);
    }
  }

  private static void setText(VarCharVector v, int i, String text) {
    if (text == null) v.setNull(i);
    else v.setSafe(i, text.getBytes(StandardCharsets.UTF_8));
  }

  private void writeManifest(Manifest next) throws IOException {
    Durable.replace(dir.resolve(Manifest.FILE_NAME), next.toJson());
    manifest = next;
  }

  /**
   * Deletes what an interrupted writer left: its temporary files, and files renamed into place
   * whose manifest was never written. Only names this writer gives its files are considered ({@code
   * samples-g<N>.arrow}, {@code activations/<model>/<layer>-g<N>.arrow}, each also with {@code
   * .tmp}), never through a symbolic link; a file the manifest names is kept.
   */
  private void removeLeftovers() throws IOException {
    Set<Path> keep = new HashSet<>();
    for (LayerEntry e : manifest.layers()) keep.add(dir.resolve(e.file()).normalize());
    if (manifest.samples() != null) keep.add(dir.resolve(manifest.samples().file()).normalize());
    Files.deleteIfExists(dir.resolve(Manifest.FILE_NAME + TEMP_SUFFIX));
    try (Stream<Path> top = Files.list(dir)) {
      for (Path p : (Iterable<Path>) top::iterator) {
        if (SAMPLES_FILE.matcher(p.getFileName().toString()).matches()) removeIfLeftover(p, keep);
      }
    }
    Path activations = dir.resolve(ACTIVATIONS_DIR);
    if (!Files.isDirectory(activations, LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> models = Files.list(activations)) {
      for (Path model : (Iterable<Path>) models::iterator) {
        if (!Files.isDirectory(model, LinkOption.NOFOLLOW_LINKS)) continue;
        try (Stream<Path> files = Files.list(model)) {
          for (Path p : (Iterable<Path>) files::iterator) {
            if (LAYER_FILE.matcher(p.getFileName().toString()).matches()) removeIfLeftover(p, keep);
          }
        }
      }
    }
  }

  private static void removeIfLeftover(Path p, Set<Path> keep) throws IOException {
    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !keep.contains(p.normalize()))
      Files.deleteIfExists(p);
  }

  /** Undoes the creation of a store nothing was published to: manifest, lock, empty folders. */
  private void removeUnusedStore() throws IOException {
    Files.deleteIfExists(dir.resolve(Manifest.FILE_NAME));
    Files.deleteIfExists(dir.resolve(LOCK_FILE));
    Path activations = dir.resolve(ACTIVATIONS_DIR);
    if (Files.isDirectory(activations, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> models = Files.list(activations)) {
        for (Path model : (Iterable<Path>) models::iterator) deleteEmptyDirectory(model);
      }
      deleteEmptyDirectory(activations);
    }
    if (createdDirectory) deleteEmptyDirectory(dir);
  }

  private static void deleteEmptyDirectory(Path d) throws IOException {
    if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> entries = Files.list(d)) {
      if (entries.findAny().isPresent()) return;
    }
    Files.deleteIfExists(d);
  }

  private static void checkName(String what, String name) throws StoreException {
    Objects.requireNonNull(name, what);
    StoreNames.check(what, name);
  }

  /** A file-name-safe form of a model or layer name (the manifest keeps the real name). */
  static String fileSafe(String name) {
    StringBuilder b = new StringBuilder();
    for (char c : name.toCharArray()) {
      b.append(
          Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '-' || c == '_' ? c : '_');
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
        // A store this writer created and never published to is removed again: a failed first
        // import or extraction leaves no directory behind.
        if (createdManifest && manifest.generation() == 0) removeUnusedStore();
      } finally {
        if (ownsAllocator) allocator.close();
      }
    }
  }
}

package io.actdb.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A read-only snapshot of a store: the manifest as it was when opened, and the files it names.
 * Opening reads only the manifest (and refuses one that names files outside the store, lists a
 * layer twice or contradicts its own checksums); files are opened when used, so one damaged file
 * never hides the rest of the store. Holds no open resources.
 */
public final class Store {
  private final Path dir;
  private final Manifest manifest;

  private Store(Path dir, Manifest manifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  /**
   * Opens the store at {@code dir}.
   *
   * @throws StoreException if the directory or its manifest is missing or unreadable
   */
  public static Store open(Path dir) throws StoreException {
    Path absolute = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(absolute))
      throw new StoreException(absolute + ": no such store directory");
    Path file = absolute.resolve(Manifest.FILE_NAME);
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new StoreException(
          absolute
              + ": not an actdb store (no "
              + Manifest.FILE_NAME
              + "); create one with `actdb extract` or `actdb import`");
    } catch (IOException e) {
      throw new StoreException(file + ": cannot read: " + e.getMessage(), e);
    }
    Manifest manifest = Manifest.parse(json, file.toString());
    manifest.checkFilesInside(absolute, file.toString());
    return new Store(absolute, manifest);
  }

  /**
   * Why the file {@code relative}, named by this snapshot's manifest, is missing now: the store
   * changed since this snapshot was taken (a writer replaced the file), or the file was deleted.
   */
  public String whyMissing(String relative) {
    String replaced =
        "the store changed since this connection opened it (a writer replaced this file);"
            + " open a new connection to see the current store";
    try {
      Manifest now = Store.open(dir).manifest();
      boolean stillNamed =
          (now.samples() != null && now.samples().file().equals(relative))
              || now.layers().stream().anyMatch(e -> e.file().equals(relative));
      return stillNamed ? "missing (the manifest names it; it was deleted or moved)" : replaced;
    } catch (StoreException e) {
      return "missing, and the store cannot be opened again: " + e.getMessage();
    }
  }

  /** Whether the manifest records checksums for every file (stores written before it did not). */
  public boolean hasChecksums() {
    return (manifest.samples() == null || manifest.samples().checksums() != null)
        && manifest.layers().stream().allMatch(e -> e.checksums() != null);
  }

  public Path directory() {
    return dir;
  }

  public Manifest manifest() {
    return manifest;
  }

  public List<LayerEntry> layers() {
    return manifest.layers();
  }

  /** The absolute path of a layer's file. */
  public Path fileOf(LayerEntry entry) {
    return dir.resolve(entry.file());
  }

  /** The samples file, or null when the store has none yet. */
  public Path samplesFile() {
    return manifest.samples() == null ? null : dir.resolve(manifest.samples().file());
  }

  /**
   * What is wrong with a layer's file, or null if nothing is: missing, not the published size
   * (truncated or grown), not an Arrow file, or a schema that disagrees with the manifest. Reads
   * the file's footer and schema only.
   */
  public String problemOf(LayerEntry entry, BufferAllocator allocator) {
    try {
      openLayer(entry, allocator).close();
      return null;
    } catch (StoreException e) {
      return e.getMessage();
    }
  }

  private static String sizeProblem(Path file, long expected) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      return file + ": missing (the manifest names it)";
    } catch (IOException e) {
      return file + ": cannot read: " + e.getMessage();
    }
    if (size != expected) {
      return file
          + ": "
          + size
          + " bytes, but "
          + expected
          + " were published ("
          + (size < expected ? "truncated" : "changed")
          + ")";
    }
    return null;
  }

  /**
   * Problems of all files named by the manifest (samples first), empty when all are sound: every
   * byte is read and checked against the recorded checksums (row counts too where none were
   * recorded).
   */
  public List<String> check(BufferAllocator allocator) {
    return check(allocator, false);
  }

  /** As {@link #check(BufferAllocator)}; {@code quick} checks only sizes, footers and schemas. */
  public List<String> check(BufferAllocator allocator, boolean quick) {
    List<String> problems = new ArrayList<>();
    if (manifest.samples() != null) {
      SamplesEntry s = manifest.samples();
      Path file = dir.resolve(s.file());
      String p = sizeProblem(file, s.bytes());
      if (p == null) p = footerProblem(file, s, allocator);
      if (p == null && !quick) p = deepProblem(file, s.checksums(), s.rows(), allocator);
      if (p != null) problems.add(p);
    }
    for (LayerEntry e : manifest.layers()) {
      String p = problemOf(e, allocator);
      if (p == null && !quick) p = deepProblem(fileOf(e), e.checksums(), e.rows(), allocator);
      if (p != null) problems.add(p);
    }
    return problems;
  }

  private static String footerProblem(Path file, SamplesEntry entry, BufferAllocator allocator) {
    try (BatchReader reader = BatchReader.open(file, allocator)) {
      if (!reader.schema().equals(StoreSchemas.samples(entry))) {
        return file + ": unexpected samples schema " + reader.schema();
      }
      return null;
    } catch (StoreException e) {
      return e.getMessage();
    } catch (RuntimeException e) {
      return file + ": not a readable samples file (" + e.getMessage() + ")";
    }
  }

  /**
   * Reads every byte of {@code file} and compares it with {@code checksums}; without checksums,
   * counts the rows of its record batches.
   */
  private static String deepProblem(
      Path file, FileChecksums checksums, long rows, BufferAllocator allocator) {
    try (BatchReader reader = BatchReader.open(file, allocator)) {
      // Every byte is checksummed here, the batches' bodies unparsed: only the footer is read.
      FileChannel ch = reader.channel();
      List<ArrowBlock> blocks = reader.blocks();
      Schema schema = reader.schema();
      BatchChecksums sums = new BatchChecksums();
      if (checksums == null) {
        long counted = 0;
        for (ArrowBlock block : blocks) counted += sums.of(ch, block, schema).rows();
        return counted == rows
            ? null
            : file + ": " + counted + " rows, but the manifest says " + rows;
      }
      if (blocks.size() != checksums.batches().size()) {
        return file
            + ": "
            + blocks.size()
            + " record batches, but "
            + checksums.batches().size()
            + " were written (damaged since)";
      }
      if (sums.crc(ch, 0, ch.size()) == checksums.crc32c()) return null;
      for (int b = 0; b < blocks.size(); b++) {
        String mismatch =
            mismatch(sums.of(ch, blocks.get(b), schema), checksums.batches().get(b), schema);
        if (mismatch != null) return file + ": " + batchName(b, blocks.size()) + ": " + mismatch;
      }
      return file
          + ": checksum mismatch outside the record batches (schema or footer); damaged since it"
          + " was written";
    } catch (StoreException e) {
      return e.getMessage();
    } catch (IOException | RuntimeException e) {
      return file + ": cannot be checked (" + e.getMessage() + ")";
    }
  }

  /** How messages name record batch {@code b} of {@code count}. */
  static String batchName(int b, int count) {
    return "record batch " + b + " of " + count;
  }

  /** What differs between a batch as read and as written, or null. */
  static String mismatch(BatchChecksum read, BatchChecksum written, Schema schema) {
    String damaged = " (the file was damaged after it was written)";
    if (read.columns() != written.columns()) {
      return read.columns() + " columns, but " + written.columns() + " were written" + damaged;
    }
    if (read.header() != written.header()) return "checksum mismatch in its header" + damaged;
    for (int f = 0; f < read.columns(); f++) {
      if (read.column(f) != written.column(f)) {
        return "checksum mismatch in column " + schema.getFields().get(f).getName() + damaged;
      }
    }
    if (read.rows() != written.rows())
      return read.rows() + " rows, but " + written.rows() + " were written" + damaged;
    return null;
  }

  /** All samples, ordered by id. */
  public List<Sample> samples(BufferAllocator allocator) throws StoreException {
    return readSamples(dir, manifest, allocator);
  }

  static List<Sample> readSamples(Path dir, Manifest manifest, BufferAllocator allocator)
      throws StoreException {
    List<Sample> out = new ArrayList<>();
    if (manifest.samples() == null) return out;
    Path file = dir.resolve(manifest.samples().file());
    String sizeProblem = sizeProblem(file, manifest.samples().bytes());
    if (sizeProblem != null) throw new StoreException(sizeProblem);
    try (BatchReader reader = BatchReader.open(file, allocator)) {
      boolean withText = manifest.samples().textColumn();
      if (!reader.schema().equals(StoreSchemas.samples(manifest.samples()))) {
        throw reader.error("unexpected samples schema " + reader.schema());
      }
      FileChecksums checksums = manifest.samples().checksums();
      reader.checkBatchCount(checksums);
      VectorSchemaRoot root =
          withText ? reader.project(0, 1, 2, 3, 4, 5) : reader.project(0, 1, 2, 3, 4);
      for (int b = 0; b < reader.blocks().size(); b++) {
        int rows = reader.load(b, checksums == null ? null : checksums.batches().get(b));
        BigIntVector ids = (BigIntVector) root.getVector(0);
        VarCharVector split = (VarCharVector) root.getVector(1);
        IntVector label = (IntVector) root.getVector(2);
        VarCharVector labelName = (VarCharVector) root.getVector(3);
        VarCharVector source = (VarCharVector) root.getVector(4);
        VarCharVector text = withText ? (VarCharVector) root.getVector(5) : null;
        for (int i = 0; i < rows; i++) {
          out.add(
              new Sample(
                  ids.get(i),
                  text(split, i),
                  label.isNull(i) ? null : label.get(i),
                  text(labelName, i),
                  text(source, i),
                  text == null ? null : text(text, i)));
        }
      }
    } catch (RuntimeException e) {
      throw new StoreException(file + ": not a readable samples file (" + e.getMessage() + ")", e);
    }
    if (out.size() != manifest.samples().rows()) {
      throw new StoreException(
          file
              + ": "
              + out.size()
              + " samples, but the manifest says "
              + manifest.samples().rows());
    }
    return out;
  }

  private static String text(VarCharVector v, int i) {
    return v.isNull(i) ? null : new String(v.get(i), StandardCharsets.UTF_8);
  }

  /** Opens a layer for reading batch by batch; checks size and schema first. */
  public LayerReader openLayer(String model, String layer, BufferAllocator allocator)
      throws StoreException {
    LayerEntry entry =
        manifest
            .layer(model, layer)
            .orElseThrow(
                () ->
                    new StoreException(
                        dir + ": no layer " + model + "/" + layer + " in the store"));
    return openLayer(entry, allocator);
  }

  /** Opens a published layer for reading. */
  public LayerReader openLayer(LayerEntry entry, BufferAllocator allocator) throws StoreException {
    return openLayer(entry, allocator, true);
  }

  /**
   * Opens a published layer for reading its sample ids only: the vectors are neither read nor
   * checked ({@link LayerReader#copyVector} fails).
   */
  public LayerReader openLayerSampleIds(LayerEntry entry, BufferAllocator allocator)
      throws StoreException {
    return openLayer(entry, allocator, false);
  }

  private LayerReader openLayer(LayerEntry entry, BufferAllocator allocator, boolean withVectors)
      throws StoreException {
    Path file = fileOf(entry);
    String sizeProblem = sizeProblem(file, entry.bytes());
    if (sizeProblem != null) throw new StoreException(sizeProblem);
    return LayerReader.open(file, entry, allocator, withVectors);
  }
}

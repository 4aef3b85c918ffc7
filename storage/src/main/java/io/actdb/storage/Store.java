package io.actdb.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * A read-only snapshot of a store: the manifest as it was when opened, and the files it names.
 * Opening reads only the manifest; files are opened when used, so one damaged file never
 * hides the rest of the store. Holds no open resources.
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
    if (!Files.isDirectory(absolute)) throw new StoreException(absolute + ": no such store directory");
    Path file = absolute.resolve(Manifest.FILE_NAME);
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new StoreException(
          absolute + ": not an actdb store (no " + Manifest.FILE_NAME
              + "); create one with `actdb extract` or `actdb import`");
    } catch (IOException e) {
      throw new StoreException(file + ": cannot read: " + e.getMessage(), e);
    }
    return new Store(absolute, Manifest.parse(json, file.toString()));
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
      return file + ": " + size + " bytes, but " + expected + " were published ("
          + (size < expected ? "truncated" : "changed") + ")";
    }
    return null;
  }

  /** Problems of all files named by the manifest (samples first), empty when all are sound. */
  public List<String> check(BufferAllocator allocator) {
    List<String> problems = new ArrayList<>();
    if (manifest.samples() != null) {
      try {
        readSamples(dir, manifest, allocator);
      } catch (IOException e) {
        problems.add(e.getMessage());
      }
    }
    for (LayerEntry e : manifest.layers()) {
      String p = problemOf(e, allocator);
      if (p != null) problems.add(p);
    }
    return problems;
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
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        BufferAllocator child = allocator.newChildAllocator("samples", 0, Long.MAX_VALUE);
        ArrowFileReader reader = new ArrowFileReader(ch, child)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      if (!root.getSchema().equals(StoreSchemas.samples())) {
        throw new StoreException(file + ": unexpected samples schema " + root.getSchema());
      }
      for (ArrowBlock block : reader.getRecordBlocks()) {
        reader.loadRecordBatch(block);
        BigIntVector ids = (BigIntVector) root.getVector(0);
        VarCharVector split = (VarCharVector) root.getVector(1);
        IntVector label = (IntVector) root.getVector(2);
        VarCharVector labelName = (VarCharVector) root.getVector(3);
        VarCharVector source = (VarCharVector) root.getVector(4);
        for (int i = 0; i < root.getRowCount(); i++) {
          out.add(
              new Sample(
                  ids.get(i),
                  text(split, i),
                  label.isNull(i) ? null : label.get(i),
                  text(labelName, i),
                  text(source, i)));
        }
      }
    } catch (StoreException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new StoreException(file + ": not a readable samples file (" + e.getMessage() + ")", e);
    }
    if (out.size() != manifest.samples().rows()) {
      throw new StoreException(
          file + ": " + out.size() + " samples, but the manifest says " + manifest.samples().rows());
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
            .orElseThrow(() -> new StoreException(dir + ": no layer " + model + "/" + layer + " in the store"));
    return openLayer(entry, allocator);
  }

  /** Opens a published layer for reading. */
  public LayerReader openLayer(LayerEntry entry, BufferAllocator allocator) throws StoreException {
    Path file = fileOf(entry);
    String sizeProblem = sizeProblem(file, entry.bytes());
    if (sizeProblem != null) throw new StoreException(sizeProblem);
    return LayerReader.open(file, entry, allocator);
  }
}

package io.actdb.extractor.model.builtin;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.actdb.extractor.ExtractorException;
import io.actdb.extractor.model.LibTorchSettings;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Checkpoint files: {@code <base>.params}, the parameters as DJL writes them ({@code
 * Block.saveParameters}), and {@code <base>.json}, the {@link CheckpointInfo}. Both are written to
 * a temporary file first and renamed, so a reader never sees half a file.
 */
final class Checkpoint {
  private Checkpoint() {}

  static final String PARAMS = ".params";
  static final String SIDECAR = ".json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Writes both files and returns the parameter file. */
  static Path write(NamedLayers block, CheckpointInfo info, Path dir, String base)
      throws IOException {
    Files.createDirectories(dir);
    Path params = dir.resolve(base + PARAMS);
    writeAtomically(params, out -> block.saveParameters(new DataOutputStream(out)));
    writeAtomically(dir.resolve(base + SIDECAR), out -> JSON.writeValue(out, info));
    return params;
  }

  /** Loads the checkpoint that {@code path} names: its .params or .json file, or the base path. */
  static BuiltinModel read(Path path, Device device) throws ExtractorException {
    String file = path.getFileName().toString();
    String base =
        file.endsWith(PARAMS)
            ? strip(file, PARAMS)
            : file.endsWith(SIDECAR) ? strip(file, SIDECAR) : file;
    Path params = path.resolveSibling(base + PARAMS);
    Path sidecar = path.resolveSibling(base + SIDECAR);
    if (!Files.isRegularFile(params))
      throw new ExtractorException("checkpoint " + params + " not found");
    if (!Files.isRegularFile(sidecar)) {
      throw new ExtractorException(
          "checkpoint "
              + params
              + " has no sidecar: "
              + sidecar
              + " not found (it says which architecture the parameters are for)");
    }
    CheckpointInfo info = readInfo(sidecar);
    Architecture architecture =
        Architecture.find(info.architecture())
            .orElseThrow(
                () ->
                    new ExtractorException(
                        sidecar
                            + " names architecture '"
                            + info.architecture()
                            + "', which is not built in; known: "
                            + String.join(", ", Architecture.names())));
    LibTorchSettings.startEngine();
    NDManager manager = NDManager.newBaseManager(device);
    try {
      NamedLayers block = architecture.layers().get();
      readParameters(block, manager, params, architecture);
      checkShapes(block, params, architecture);
      BuiltinModel model = new BuiltinModel(base, architecture, manager, block, info);
      model.checkFits(params);
      return model;
    } catch (ExtractorException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static CheckpointInfo readInfo(Path sidecar) throws ExtractorException {
    CheckpointInfo info;
    try {
      info = JSON.readValue(sidecar.toFile(), CheckpointInfo.class);
    } catch (JacksonException e) {
      throw new ExtractorException(
          sidecar + " is not a checkpoint sidecar: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ExtractorException("cannot read " + sidecar + ": " + e.getMessage(), e);
    }
    if (info == null || !CheckpointInfo.FORMAT.equals(info.format())) {
      throw new ExtractorException(
          sidecar
              + " is not a checkpoint sidecar: format is "
              + (info == null ? "missing" : info.format())
              + ", expected "
              + CheckpointInfo.FORMAT);
    }
    return info;
  }

  private static void readParameters(
      NamedLayers block, NDManager manager, Path params, Architecture architecture)
      throws ExtractorException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(params)))) {
      block.loadParameters(manager, in);
      if (in.read() != -1) {
        throw new ExtractorException(
            params + " has data after the parameters of a " + architecture.name());
      }
    } catch (EOFException e) {
      throw new ExtractorException(params + " is truncated", e);
    } catch (MalformedModelException | RuntimeException e) {
      throw new ExtractorException(
          params + " does not hold parameters of a " + architecture.name() + ": " + e.getMessage(),
          e);
    } catch (ExtractorException e) {
      throw e;
    } catch (IOException e) {
      throw new ExtractorException("cannot read " + params + ": " + e.getMessage(), e);
    }
  }

  /**
   * DJL takes a loaded array's shape as it comes, whatever the block was built with (a cnn's
   * parameters load into a cnn-wide and run), so compare with a fresh instance.
   */
  private static void checkShapes(NamedLayers loaded, Path params, Architecture architecture)
      throws ExtractorException {
    try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
      NamedLayers reference = architecture.layers().get();
      reference.setInitializer(Initializer.ZEROS, p -> true);
      reference.initialize(
          scratch,
          DataType.FLOAT32,
          new Shape(1, architecture.channels(), architecture.height(), architecture.width()));
      List<Pair<String, Parameter>> expected = reference.getParameters().stream().toList();
      List<Pair<String, Parameter>> actual = loaded.getParameters().stream().toList();
      for (int i = 0; i < expected.size(); i++) {
        Shape want = expected.get(i).getValue().getShape();
        Shape got = actual.get(i).getValue().getShape();
        if (!want.equals(got)) {
          throw new ExtractorException(
              params
                  + " does not hold parameters of a "
                  + architecture.name()
                  + ": "
                  + expected.get(i).getKey()
                  + " has shape "
                  + got
                  + " instead of "
                  + want);
        }
      }
    }
  }

  private interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private static void writeAtomically(Path target, Writer writer) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp))) {
        writer.write(out);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static String strip(String file, String suffix) {
    return file.substring(0, file.length() - suffix.length());
  }
}

package io.actdb.extractor.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.actdb.extractor.ExtractorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A TorchScript file (saved by {@code torch.jit.trace} or {@code torch.jit.script}) whose {@code
 * forward} returns the layers to capture: either a dict of named tensors, or a tuple (or one
 * tensor) whose elements the user names. Runs in eval mode on DJL's PyTorch engine.
 *
 * <p>Layer order: a tuple's layers come in the tuple's order. DJL does not keep the order of a
 * dict's keys, so a dict's layers come sorted by name, unless names are given: then those keys, in
 * that order, are the layers.
 *
 * <p>Not safe for concurrent use: one forward at a time.
 */
public final class TorchScriptModel implements ActivationModel {
  static final String ENGINE = "PyTorch";

  /** Two rather than one, so a layer whose first dimension is not the batch shows. */
  private static final int PROBE_BATCH = 2;

  private final String name;
  private final Path file;
  private final Model model;
  private final ParameterStore parameters;
  private final TorchScriptOutputs outputs;

  private TorchScriptModel(String name, Path file, Model model, TorchScriptOutputs outputs) {
    this.name = name;
    this.file = file;
    this.model = model;
    this.parameters = new ParameterStore(model.getNDManager(), false);
    this.outputs = outputs;
  }

  /**
   * Loads a TorchScript file and runs one forward on a batch of zeros to learn its layers.
   *
   * @param device where the model runs; batches given to {@link #forward} must be there too
   * @param outputNames for a model returning a tuple or one tensor: a name per element, in order.
   *     For a model returning a dict: empty for all its keys, else the keys to capture, in order.
   * @param channels the input shape the model expects (without the batch dimension)
   * @throws ExtractorException naming the file: missing, not TorchScript, an input shape the model
   *     rejects, or names that do not fit its outputs
   */
  public static TorchScriptModel load(
      Path file, Device device, List<String> outputNames, int channels, int height, int width)
      throws ExtractorException {
    if (!Files.isRegularFile(file)) throw new ExtractorException(file + ": no such model file");
    startEngine(file);
    String name = nameOf(file);
    Model model = Model.newInstance(name, device, ENGINE);
    try {
      readTorchScript(model, file);
      TorchScriptOutputs names =
          probe(model, file, outputNames, new Shape(PROBE_BATCH, channels, height, width));
      return new TorchScriptModel(name, file, model, names);
    } catch (ExtractorException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** So that a libtorch that cannot start is not reported as a bad file. */
  private static void startEngine(Path file) throws ExtractorException {
    try {
      LibTorchSettings.startEngine();
    } catch (RuntimeException e) {
      throw new ExtractorException(
          "cannot load " + file + ": the PyTorch engine did not start: " + e.getMessage(), e);
    }
  }

  private static void readTorchScript(Model model, Path file) throws ExtractorException {
    try {
      model.load(file);
    } catch (IOException | MalformedModelException | EngineException e) {
      throw new ExtractorException(
          file
              + ": not a TorchScript file (save the model with torch.jit.trace or torch.jit.script"
              + " and .save(), not torch.save): "
              + reason(e),
          e);
    }
  }

  private static TorchScriptOutputs probe(
      Model model, Path file, List<String> outputNames, Shape input) throws ExtractorException {
    try (NDManager scratch = model.getNDManager().newSubManager()) {
      NDList result;
      try {
        result =
            model
                .getBlock()
                .forward(
                    new ParameterStore(scratch, false), new NDList(scratch.zeros(input)), false);
      } catch (EngineException e) {
        throw new ExtractorException(
            file
                + " rejects input of shape "
                + shapeText(input)
                + " (batch × channels × height × width): "
                + reason(e),
            e);
      }
      TorchScriptOutputs names = TorchScriptOutputs.of(file.toString(), result, outputNames);
      requireBatchFirst(file, result, names);
      return names;
    }
  }

  private static void requireBatchFirst(Path file, NDList result, TorchScriptOutputs names)
      throws ExtractorException {
    for (int i = 0; i < result.size(); i++) {
      Shape shape = result.get(i).getShape();
      if (shape.dimension() == 0 || shape.get(0) != PROBE_BATCH) {
        String layer = names.isDict() ? result.get(i).getName() : names.layers().get(i);
        throw new ExtractorException(
            file
                + ": output "
                + layer
                + " has shape "
                + shape
                + " for a batch of "
                + PROBE_BATCH
                + "; every output must have the batch as its first dimension");
      }
    }
  }

  /**
   * The last line of libtorch's message. An error inside a TorchScript forward comes as a traceback
   * through the model's code, dozens of lines, ending in the Python-style reason ("RuntimeError:
   * Given groups=1, weight of size ...").
   */
  private static String reason(Exception e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) return e.getClass().getSimpleName();
    String[] lines = message.strip().split("\\R");
    return lines[lines.length - 1].strip();
  }

  private static String nameOf(Path file) {
    String fileName = file.getFileName().toString();
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }

  private static String shapeText(Shape shape) {
    List<String> dims = new ArrayList<>();
    for (long d : shape.getShape()) dims.add(Long.toString(d));
    return String.join("×", dims);
  }

  /** The file name without its extension. */
  @Override
  public String name() {
    return name;
  }

  /** See the class comment for the order. */
  @Override
  public List<String> layerNames() {
    return outputs.layers();
  }

  /**
   * Checks layer names before a run, so a typo is a user error rather than a failed forward.
   *
   * @throws ExtractorException naming the file, the unknown layer and the layers there are
   */
  public void requireLayers(Collection<String> layers) throws ExtractorException {
    String missing = missingLayer(layers);
    if (missing != null) throw new ExtractorException(unknownLayer(missing));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException for a layer this model lacks (see {@link #requireLayers})
   */
  @Override
  public Map<String, NDArray> forward(NDArray batch, Set<String> layers) {
    String missing = missingLayer(layers);
    if (missing != null) throw new IllegalArgumentException(unknownLayer(missing));
    NDList result = model.getBlock().forward(parameters, new NDList(batch), false);
    return outputs.pick(result, layers);
  }

  private String missingLayer(Collection<String> layers) {
    for (String layer : layers) {
      if (!outputs.layers().contains(layer)) return layer;
    }
    return null;
  }

  private String unknownLayer(String layer) {
    return file + " has no layer " + layer + "; it has: " + String.join(", ", outputs.layers());
  }

  /** Frees the native module. */
  @Override
  public void close() {
    model.close();
  }
}

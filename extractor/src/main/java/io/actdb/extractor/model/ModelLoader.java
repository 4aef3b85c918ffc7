package io.actdb.extractor.model;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import io.actdb.extractor.ExtractorException;
import io.actdb.extractor.model.builtin.BuiltinModel;
import io.actdb.extractor.model.builtin.BuiltinModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns the CLI's {@code --model} into a model: a built-in architecture name (fresh, seeded
 * weights), a built-in checkpoint ({@code .params} with its {@code .json} beside it, as written by
 * {@code actdb train}), or a TorchScript file.
 */
public final class ModelLoader {
  private ModelLoader() {}

  /**
   * @param outputs names of a TorchScript model's tuple outputs, in order; empty for a model that
   *     returns a dict (or for built-in models)
   * @param seed initialisation seed of a fresh built-in model
   * @param channels input shape of the data, with which a TorchScript model is probed
   */
  public static ActivationModel open(
      String spec,
      Device device,
      List<String> outputs,
      long seed,
      int channels,
      int height,
      int width)
      throws ExtractorException {
    String name = spec.startsWith("builtin:") ? spec.substring("builtin:".length()) : spec;
    if (BuiltinModels.architectures().contains(name)) {
      refuseOutputs(spec, outputs);
      return fitting(spec, BuiltinModels.create(name, seed, device), channels, height, width);
    }
    Path file = Path.of(spec);
    if (!Files.exists(file)) {
      throw new ExtractorException(
          "--model "
              + spec
              + ": no such file, and not a built-in architecture (built-ins: "
              + String.join(", ", BuiltinModels.architectures())
              + ")");
    }
    if (file.getFileName().toString().endsWith(".params")) {
      refuseOutputs(spec, outputs);
      return fitting(spec, BuiltinModels.load(file, device), channels, height, width);
    }
    return TorchScriptModel.load(file, device, outputs, channels, height, width);
  }

  /** The model, or an error before any work when the data's inputs are not the shape it takes. */
  private static BuiltinModel fitting(
      String spec, BuiltinModel model, int channels, int height, int width)
      throws ExtractorException {
    Shape takes = model.inputShape();
    if (takes.equals(new Shape(channels, height, width))) return model;
    model.close();
    throw new ExtractorException(
        "--model "
            + spec
            + " takes inputs of "
            + takes.get(0)
            + "×"
            + takes.get(1)
            + "×"
            + takes.get(2)
            + " (channels × height × width), but the data set's are "
            + channels
            + "×"
            + height
            + "×"
            + width);
  }

  private static void refuseOutputs(String spec, List<String> outputs) throws ExtractorException {
    if (!outputs.isEmpty()) {
      throw new ExtractorException(
          "--outputs names TorchScript tuple outputs; " + spec + " is a built-in model");
    }
  }
}

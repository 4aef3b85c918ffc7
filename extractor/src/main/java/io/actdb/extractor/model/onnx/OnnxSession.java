package io.actdb.extractor.model.onnx;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.actdb.extractor.ExtractorException;
import io.actdb.extractor.model.ActivationModel;
import io.actdb.extractor.model.onnx.OnnxModel.InputKind;
import io.actdb.extractor.model.onnx.OnnxModel.Layer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model running on DJL's OnnxRuntime engine, with the chosen layers made graph outputs.
 * Intra-op threads: all available cores. Not safe for concurrent use: one forward at a time.
 *
 * <p>An image model is also an {@link ActivationModel}, so the image extraction path runs it as it
 * runs TorchScript models (batches arrive as PyTorch arrays and the outputs go back to the batch's
 * manager).
 */
public final class OnnxSession implements ActivationModel {
  static final String ENGINE = "OnnxRuntime";

  private final OnnxModel description;
  private final List<Layer> layers;
  private final Model model;
  private final List<String> inputOrder;

  private OnnxSession(OnnxModel description, List<Layer> layers, Model model, List<String> order) {
    this.description = description;
    this.layers = List.copyOf(layers);
    this.model = model;
    this.inputOrder = order;
  }

  /**
   * Starts a session capturing {@code layers}.
   *
   * @param device CPU, or a GPU through ONNX Runtime's CUDA provider
   * @throws ExtractorException when the device cannot be used or ONNX Runtime refuses the model
   */
  public static OnnxSession open(OnnxModel description, List<Layer> layers, Device device)
      throws ExtractorException {
    if (device.isGpu()) requireCuda();
    byte[] bytes =
        description
            .graph()
            .withOutputs(description.bytes(), layers.stream().map(Layer::tensor).toList());
    Model model = Model.newInstance(description.name(), device, ENGINE);
    try {
      model.load(
          new ByteArrayInputStream(bytes),
          Map.of(
              "intraOpNumThreads",
              String.valueOf(Runtime.getRuntime().availableProcessors()),
              "interOpNumThreads",
              "1"));
      List<String> order = model.getBlock().describeInput().keys();
      return new OnnxSession(description, layers, model, order);
    } catch (IOException | MalformedModelException | EngineException e) {
      model.close();
      throw new ExtractorException(
          description.source() + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Fails unless ONNX Runtime here has its CUDA execution provider, saying how to get one. */
  public static void requireCuda() throws ExtractorException {
    boolean cuda;
    try {
      cuda = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      cuda = false;
    }
    if (!cuda) {
      throw new ExtractorException(
          "--device gpu: the ONNX Runtime here has no CUDA provider (the Maven artifact"
              + " com.microsoft.onnxruntime:onnxruntime is the CPU build). Use --device cpu, or put"
              + " onnxruntime_gpu 1.21.1 on the class path with CUDA 12 and cuDNN 9 installed; see"
              + " docs/extract.md (\"ONNX models on a GPU\").");
    }
  }

  public OnnxModel description() {
    return description;
  }

  /** The captured layers, in graph order. */
  public List<Layer> capturedLayers() {
    return layers;
  }

  @Override
  public String name() {
    return description.name();
  }

  @Override
  public List<String> layerNames() {
    return layers.stream().map(Layer::name).toList();
  }

  /** A layer's output for a batch: its values row-major and its shape. */
  public record Output(float[] values, long[] shape) {}

  /**
   * Runs token sequences ({@code rows} × {@code length}, row-major, padded with attention mask 0).
   *
   * @return the captured layers' outputs by store name
   */
  public Map<String, Output> runTokens(
      long[] inputIds, long[] attentionMask, long[] tokenTypeIds, int rows, int length)
      throws ExtractorException {
    if (description.inputKind() != InputKind.TOKENS)
      throw new IllegalStateException("the model takes images");
    try (NDManager scope = model.getNDManager().newSubManager()) {
      Shape shape = new Shape(rows, length);
      NDList inputs = new NDList();
      for (String input : inputOrder) {
        long[] values =
            switch (input) {
              case OnnxModel.INPUT_IDS -> inputIds;
              case OnnxModel.ATTENTION_MASK -> attentionMask;
              default -> tokenTypeIds;
            };
        NDArray array =
            scope.create(LongBuffer.wrap(values, 0, rows * length), shape, DataType.INT64);
        array.setName(input);
        inputs.add(array);
      }
      return outputsOf(forward(scope, inputs));
    }
  }

  /** Runs one image batch (N × C × H × W floats); the outputs are plain arrays. */
  public Map<String, Output> runImages(float[] pixels, Shape shape) throws ExtractorException {
    if (description.inputKind() != InputKind.IMAGES)
      throw new IllegalStateException("the model takes token sequences");
    try (NDManager scope = model.getNDManager().newSubManager()) {
      NDArray x =
          scope.create(FloatBuffer.wrap(pixels, 0, (int) shape.size()), shape, DataType.FLOAT32);
      x.setName(inputOrder.get(0));
      return outputsOf(forward(scope, new NDList(x)));
    }
  }

  @Override
  public Map<String, NDArray> forward(NDArray batch, Set<String> wanted) {
    try {
      Map<String, Output> outputs =
          runImages(batch.toType(DataType.FLOAT32, false).toFloatArray(), batch.getShape());
      Map<String, NDArray> arrays = new LinkedHashMap<>();
      for (Map.Entry<String, Output> e : outputs.entrySet()) {
        if (!wanted.contains(e.getKey())) continue;
        arrays.put(
            e.getKey(),
            batch.getManager().create(e.getValue().values(), new Shape(e.getValue().shape())));
      }
      return arrays;
    } catch (ExtractorException e) {
      throw new EngineException(e.getMessage(), e);
    }
  }

  private NDList forward(NDManager scope, NDList inputs) throws ExtractorException {
    try {
      return model.getBlock().forward(new ParameterStore(scope, false), inputs, false);
    } catch (EngineException | IllegalArgumentException e) {
      throw new ExtractorException(
          "model " + description.name() + ": ONNX Runtime failed on a batch: " + e.getMessage(), e);
    }
  }

  private Map<String, Output> outputsOf(NDList results) throws ExtractorException {
    Map<String, NDArray> byTensor = new LinkedHashMap<>();
    for (NDArray array : results) byTensor.put(array.getName(), array);
    Map<String, Output> outputs = new LinkedHashMap<>();
    for (Layer layer : layers) {
      NDArray array = byTensor.get(layer.tensor());
      if (array == null) {
        throw new ExtractorException(
            "model "
                + description.name()
                + ": ONNX Runtime did not return tensor "
                + layer.tensor()
                + " (layer "
                + layer.name()
                + ")");
      }
      float[] values =
          array.getDataType() == DataType.FLOAT32
              ? array.toFloatArray()
              : array.toType(DataType.FLOAT32, false).toFloatArray();
      outputs.put(layer.name(), new Output(values, array.getShape().getShape()));
    }
    return outputs;
  }

  @Override
  public void close() {
    model.close();
  }
}

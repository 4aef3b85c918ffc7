package io.actdb.extractor.model.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A chain of layers, each a DJL block under a name actdb chose ({@code conv1}, {@code block2},
 * {@code logits}, ...). The plain forward returns the last layer's output; {@link #capture} also
 * hands back the outputs of the layers asked for.
 *
 * <p>DJL keys the children {@code 01conv1}, {@code 02pool1}, ...; those keys only matter to the
 * parameter file. The names here are the ones the store sees.
 */
public final class NamedLayers extends AbstractBlock {
  private static final byte VERSION = 1;

  private final List<String> names = new ArrayList<>();
  private final List<Block> layers = new ArrayList<>();

  public NamedLayers() {
    super(VERSION);
  }

  /** Appends a layer; names must be unique. */
  public NamedLayers add(String name, Block layer) {
    if (names.contains(name)) throw new IllegalArgumentException("duplicate layer name " + name);
    names.add(name);
    layers.add(addChildBlock(name, layer));
    return this;
  }

  /** The layer names, in forward order. */
  public List<String> layerNames() {
    return List.copyOf(names);
  }

  /** The block behind one name. */
  public Block layer(String name) {
    int i = names.indexOf(name);
    if (i < 0) throw new IllegalArgumentException("no layer " + name + "; layers: " + names);
    return layers.get(i);
  }

  /** The output shape of every layer for the given input shape (batch dimension included). */
  public Map<String, Shape> layerShapes(Shape input) {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    Shape[] current = {input};
    for (int i = 0; i < layers.size(); i++) {
      current = layers.get(i).getOutputShapes(current);
      shapes.put(names.get(i), current[0]);
    }
    return shapes;
  }

  /**
   * Runs the layers up to the last requested one and returns the requested outputs in forward
   * order. Layers after the last requested one do not run.
   */
  public Map<String, NDArray> capture(
      ParameterStore store, NDArray input, Set<String> wanted, boolean training) {
    for (String name : wanted) {
      if (!names.contains(name))
        throw new IllegalArgumentException("no layer " + name + "; layers: " + names);
    }
    Map<String, NDArray> captured = new LinkedHashMap<>();
    NDList current = new NDList(input);
    for (int i = 0; i < layers.size() && captured.size() < wanted.size(); i++) {
      current = layers.get(i).forward(store, current, training);
      if (wanted.contains(names.get(i))) captured.put(names.get(i), current.singletonOrThrow());
    }
    return captured;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList current = inputs;
    for (Block layer : layers) current = layer.forward(store, current, training, params);
    return current;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] current = inputShapes;
    for (Block layer : layers) current = layer.getOutputShapes(current);
    return current;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] current = inputShapes;
    for (Block layer : layers) {
      layer.initialize(manager, dataType, current);
      current = layer.getOutputShapes(current);
    }
  }
}

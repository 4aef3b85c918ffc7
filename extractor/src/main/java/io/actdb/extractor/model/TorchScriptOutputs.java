package io.actdb.extractor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.actdb.extractor.ExtractorException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the outputs of a TorchScript {@code forward} map to layer names. DJL hands back a dict as
 * arrays named by their keys, in no particular order, and a tuple (or a single tensor) as unnamed
 * arrays in the tuple's order.
 *
 * <ul>
 *   <li>A dict and no names: every key is a layer, sorted by name (Python's order is lost).
 *   <li>A dict and names: each name must be a key; only those are layers, in the order given.
 *   <li>A tuple and names: one name per element, in order.
 *   <li>A tuple and no names: an error, since nothing names its elements.
 * </ul>
 */
final class TorchScriptOutputs {
  private final boolean dict;
  private final List<String> layers;

  private TorchScriptOutputs(boolean dict, List<String> layers) {
    this.dict = dict;
    this.layers = List.copyOf(layers);
  }

  /**
   * Names the outputs of one probe forward.
   *
   * @param source the model file, for error messages
   * @param given the user's names; empty when the model returns a dict
   */
  static TorchScriptOutputs of(String source, NDList probe, List<String> given)
      throws ExtractorException {
    if (isDict(probe)) return forDict(source, probe, given);
    if (given.isEmpty()) {
      throw new ExtractorException(
          source
              + " returns "
              + count(probe.size())
              + " without names (a tuple or a tensor, not a dict);"
              + " name them in order (--outputs with "
              + probe.size()
              + " names)");
    }
    if (given.size() != probe.size()) {
      throw new ExtractorException(
          source
              + " returns "
              + count(probe.size())
              + " but "
              + given.size()
              + " names were given: "
              + String.join(", ", given));
    }
    if (Set.copyOf(given).size() != given.size()) {
      throw new ExtractorException(source + ": output names repeat: " + String.join(", ", given));
    }
    return new TorchScriptOutputs(false, given);
  }

  private static TorchScriptOutputs forDict(String source, NDList probe, List<String> given)
      throws ExtractorException {
    Set<String> keys = new TreeSet<>();
    for (NDArray array : probe) keys.add(array.getName());
    if (given.isEmpty()) return new TorchScriptOutputs(true, new ArrayList<>(keys));
    for (String name : given) {
      if (!keys.contains(name)) {
        throw new ExtractorException(
            source
                + " returns a dict without the key "
                + name
                + "; its keys are: "
                + String.join(", ", keys));
      }
    }
    if (Set.copyOf(given).size() != given.size()) {
      throw new ExtractorException(source + ": output names repeat: " + String.join(", ", given));
    }
    return new TorchScriptOutputs(true, given);
  }

  /** DJL names the arrays of a dict by their keys and leaves tuple elements unnamed. */
  private static boolean isDict(NDList outputs) {
    return !outputs.isEmpty() && outputs.stream().allMatch(a -> a.getName() != null);
  }

  private static String count(int outputs) {
    return outputs == 1 ? "1 output" : outputs + " outputs";
  }

  boolean isDict() {
    return dict;
  }

  /** The layer names, in the order described above. */
  List<String> layers() {
    return layers;
  }

  /**
   * The requested layers (all among {@link #layers()}) of one forward's outputs, in layer order;
   * closes the other arrays so their native memory goes at once.
   */
  Map<String, NDArray> pick(NDList outputs, Set<String> wanted) {
    Map<String, NDArray> byName = new HashMap<>();
    for (int i = 0; i < outputs.size(); i++) {
      NDArray array = outputs.get(i);
      String name = dict ? array.getName() : layers.get(i);
      if (wanted.contains(name)) {
        byName.put(name, array);
      } else {
        array.close();
      }
    }
    Map<String, NDArray> picked = new LinkedHashMap<>();
    for (String name : layers) {
      if (byName.containsKey(name)) picked.put(name, byName.get(name));
    }
    return picked;
  }
}

package io.actdb.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a store holds: {@code manifest.json}. A file in the store directory that the manifest
 * does not name is not part of the store (it is a leftover of an interrupted write).
 *
 * @param format always {@link #FORMAT}
 * @param formatVersion layout version; readers refuse versions newer than {@link #VERSION}
 * @param generation incremented by every publication; part of new file names, so that a
 *     published file is never overwritten
 * @param samples the samples file, or null before any sample was written
 * @param layers the published layers, ordered by model then layer
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Manifest(
    @JsonProperty("format") String format,
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("generation") long generation,
    @JsonProperty("samples") SamplesEntry samples,
    @JsonProperty("layers") List<LayerEntry> layers) {

  public static final String FORMAT = "actdb-store";
  public static final int VERSION = 1;
  public static final String FILE_NAME = "manifest.json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public Manifest {
    layers = layers == null ? List.of() : List.copyOf(layers);
  }

  static Manifest empty() {
    return new Manifest(FORMAT, VERSION, 0, null, List.of());
  }

  /** The layer {@code model/layer}, if published. */
  public Optional<LayerEntry> layer(String model, String layer) {
    return layers.stream().filter(e -> e.sameLayer(model, layer)).findFirst();
  }

  /** Model names, sorted. */
  public List<String> models() {
    return layers.stream().map(LayerEntry::model).distinct().sorted().collect(Collectors.toList());
  }

  Manifest withLayer(LayerEntry entry, long newGeneration) {
    List<LayerEntry> next = new ArrayList<>();
    for (LayerEntry e : layers) if (!e.sameLayer(entry.model(), entry.layer())) next.add(e);
    next.add(entry);
    next.sort(Comparator.comparing(LayerEntry::model).thenComparing(LayerEntry::layer));
    return new Manifest(format, formatVersion, newGeneration, samples, next);
  }

  Manifest withoutLayer(String model, String layer, long newGeneration) {
    List<LayerEntry> next = new ArrayList<>(layers);
    next.removeIf(e -> e.sameLayer(model, layer));
    return new Manifest(format, formatVersion, newGeneration, samples, next);
  }

  Manifest withSamples(SamplesEntry entry, long newGeneration) {
    return new Manifest(format, formatVersion, newGeneration, entry, layers);
  }

  byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the manifest", e);
    }
  }

  /**
   * Parses and checks a manifest.
   *
   * @param where the file, for messages
   */
  static Manifest parse(byte[] json, String where) throws StoreException {
    Manifest m;
    try {
      m = JSON.readValue(json, Manifest.class);
    } catch (JsonProcessingException e) {
      throw new StoreException(where + ": not a valid actdb manifest: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new StoreException(where + ": cannot read: " + e.getMessage(), e);
    }
    if (m == null || !FORMAT.equals(m.format())) {
      throw new StoreException(where + ": not an actdb manifest (\"format\" is not \"" + FORMAT + "\")");
    }
    if (m.formatVersion() > VERSION || m.formatVersion() < 1) {
      throw new StoreException(
          where
              + ": store format version "
              + m.formatVersion()
              + " is not supported by this actdb (it reads version "
              + VERSION
              + "); use a newer actdb");
    }
    for (LayerEntry e : m.layers()) {
      if (e.model() == null || e.layer() == null || e.file() == null || e.dim() <= 0 || e.rows() < 0) {
        throw new StoreException(where + ": incomplete layer entry " + e);
      }
      if (!"float32".equals(e.dtype())) {
        throw new StoreException(where + ": layer " + e.qualifiedName() + " has dtype " + e.dtype() + "; only float32 is supported");
      }
    }
    return m;
  }
}

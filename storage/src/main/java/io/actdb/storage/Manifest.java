package io.actdb.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a store holds: {@code manifest.json}. A file in the store directory that the manifest does
 * not name is not part of the store (it is a leftover of an interrupted write).
 *
 * @param format always {@link #FORMAT}
 * @param formatVersion layout version; readers refuse versions newer than {@link #VERSION}
 * @param generation incremented by every publication; part of new file names, so that a published
 *     file is never overwritten
 * @param samples the samples file, or null before any sample was written
 * @param layers the published layers, ordered by model, then position (forward order), then name
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
    layers = layers == null ? List.of() : inForwardOrder(layers);
  }

  /**
   * The layers sorted by model and forward position; an entry without a recorded position (a
   * manifest written before positions were) takes its order of appearance among its model's layers.
   */
  private static List<LayerEntry> inForwardOrder(List<LayerEntry> layers) {
    Map<String, Integer> seen = new HashMap<>();
    List<LayerEntry> ordered = new ArrayList<>(layers.size());
    for (LayerEntry e : layers) {
      int appearance =
          e == null || e.model() == null ? 0 : seen.merge(e.model(), 1, Integer::sum) - 1;
      ordered.add(
          e != null && e.position() == LayerEntry.UNKNOWN_POSITION
              ? e.withPosition(appearance)
              : e);
    }
    if (ordered.stream().allMatch(e -> e != null && e.model() != null && e.layer() != null)) {
      ordered.sort(FORWARD_ORDER);
    }
    return List.copyOf(ordered);
  }

  /** Model by name, then the model's layers in forward order (ties by name). */
  public static final Comparator<LayerEntry> FORWARD_ORDER =
      Comparator.comparing(LayerEntry::model)
          .thenComparingInt(LayerEntry::position)
          .thenComparing(LayerEntry::layer);

  static Manifest empty() {
    return new Manifest(FORMAT, VERSION, 0, null, List.of());
  }

  /** The layer {@code model/layer}, if published. */
  public Optional<LayerEntry> layer(String model, String layer) {
    return layers.stream().filter(e -> e.sameLayer(model, layer)).findFirst();
  }

  /** The layers of {@code model} in forward order. */
  public List<LayerEntry> layersOf(String model) {
    return layers.stream().filter(e -> e.model().equals(model)).collect(Collectors.toList());
  }

  /** Model names, sorted. */
  public List<String> models() {
    return layers.stream().map(LayerEntry::model).distinct().sorted().collect(Collectors.toList());
  }

  Manifest withLayer(LayerEntry entry, long newGeneration) {
    List<LayerEntry> next = new ArrayList<>();
    for (LayerEntry e : layers) if (!e.sameLayer(entry.model(), entry.layer())) next.add(e);
    next.add(entry);
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
      throw new StoreException(
          where + ": not a valid actdb manifest: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new StoreException(where + ": cannot read: " + e.getMessage(), e);
    }
    if (m == null || !FORMAT.equals(m.format())) {
      throw new StoreException(
          where + ": not an actdb manifest (\"format\" is not \"" + FORMAT + "\")");
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
    Map<String, String> owners = new HashMap<>();
    Set<String> layerNames = new HashSet<>();
    if (m.samples() != null) {
      SamplesEntry s = m.samples();
      if (s.file() == null || s.rows() < 0 || s.bytes() < 0) {
        throw new StoreException(where + ": incomplete samples entry " + s);
      }
      checkRows(where, "the samples", s.rows(), s.checksums());
      owners.put(s.file(), "the samples");
    }
    for (LayerEntry e : m.layers()) {
      if (e.model() == null
          || e.layer() == null
          || e.file() == null
          || e.dim() <= 0
          || e.rows() < 0
          || e.bytes() < 0) {
        throw new StoreException(where + ": incomplete layer entry " + e);
      }
      if (e.position() < 0) {
        throw new StoreException(
            where
                + ": layer "
                + e.qualifiedName()
                + " has position "
                + e.position()
                + "; positions count from 0");
      }
      if (!LayerEntry.SAMPLE.equals(e.granularity()) && !LayerEntry.TOKEN.equals(e.granularity())) {
        throw new StoreException(
            where
                + ": layer "
                + e.qualifiedName()
                + " has granularity \""
                + e.granularity()
                + "\"; this actdb knows \"sample\" and \"token\" (use a newer actdb)");
      }
      if (!"float32".equals(e.dtype())) {
        throw new StoreException(
            where
                + ": layer "
                + e.qualifiedName()
                + " has dtype "
                + e.dtype()
                + "; only float32 is supported");
      }
      // Names joined with a character no name may hold (names are printable), so that
      // ("a/b", "c") and ("a", "b/c") stay apart.
      if (!layerNames.add(e.model() + "\0" + e.layer())) {
        throw new StoreException(
            where
                + ": layer "
                + e.qualifiedName()
                + " is listed twice; the manifest was edited or damaged."
                + " Remove one of the entries (the file of the other may then be deleted).");
      }
      String owner = owners.putIfAbsent(e.file(), "layer " + e.qualifiedName());
      if (owner != null) {
        throw new StoreException(
            where
                + ": layer "
                + e.qualifiedName()
                + " and "
                + owner
                + " name the same file "
                + e.file()
                + "; the manifest was edited or damaged");
      }
      checkRows(where, "layer " + e.qualifiedName(), e.rows(), e.checksums());
    }
    return m;
  }

  private static void checkRows(String where, String what, long rows, FileChecksums checksums)
      throws StoreException {
    if (checksums == null) return;
    if (checksums.rows() != rows) {
      throw new StoreException(
          where
              + ": "
              + what
              + " has \"rows\" : "
              + rows
              + ", but its record batches held "
              + checksums.rows()
              + " rows when it was written; the manifest was edited or damaged");
    }
    for (BatchChecksum b : checksums.batches()) {
      if (b == null || b.rows() < 0 || b.crc32c().length < 1) {
        throw new StoreException(where + ": " + what + " has an incomplete checksum entry " + b);
      }
    }
  }

  /**
   * Checks that every file this manifest names lies inside {@code dir} (absolute, normalized).
   *
   * @param where the manifest file, for messages
   */
  void checkFilesInside(Path dir, String where) throws StoreException {
    if (samples != null) StorePaths.inside(dir, samples.file(), where + ": the samples entry");
    for (LayerEntry e : layers)
      StorePaths.inside(dir, e.file(), where + ": layer " + e.qualifiedName());
  }
}

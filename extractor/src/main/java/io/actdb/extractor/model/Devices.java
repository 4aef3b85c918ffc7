package io.actdb.extractor.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.actdb.extractor.ExtractorException;
import java.util.Locale;

/** Turns the CLI's {@code --device auto|cpu|gpu} into a DJL device. */
public final class Devices {
  private Devices() {}

  /** The PyTorch engine: loading it loads libtorch (from the jar, never downloaded). */
  public static Engine engine() {
    return LibTorchSettings.startEngine();
  }

  /**
   * {@code auto} takes the first GPU when PyTorch sees one, else the CPU; {@code gpu} fails when
   * there is none, saying why.
   */
  public static Device resolve(String choice) throws ExtractorException {
    String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
    return switch (c) {
      case "cpu" -> Device.cpu();
      case "auto" -> engine().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
      case "gpu" -> {
        Engine engine = engine();
        if (engine.getGpuCount() == 0) {
          throw new ExtractorException(
              "--device gpu: PyTorch "
                  + engine.getVersion()
                  + " sees no GPU here (the libtorch loaded is a CPU build, or no CUDA device is"
                  + " visible). Use --device cpu, or see docs/extract.md (\"GPU\") for pointing"
                  + " DJL at a CUDA build of libtorch.");
        }
        yield Device.gpu();
      }
      default -> throw new ExtractorException("--device " + choice + ": expected auto, cpu or gpu");
    };
  }
}

package io.actdb.cli.plot;

import java.util.Locale;

/** The image files a chart is written as. */
public enum ImageFormat {
  /** Raster image, for viewing and for reports. */
  PNG,
  /** Vector image, text kept as text, for papers and web pages. */
  SVG;

  /** The file name extension, without the dot: {@code png}, {@code svg}. */
  public String extension() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The format named {@code name} (case ignored).
   *
   * @throws IllegalArgumentException if there is none
   */
  public static ImageFormat named(String name) {
    for (ImageFormat format : values()) {
      if (format.extension().equalsIgnoreCase(name.strip())) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown image format '" + name.strip() + "' (expected png or svg)");
  }
}

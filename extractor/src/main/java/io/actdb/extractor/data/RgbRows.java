package io.actdb.extractor.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Rows of a decoded image as red, green and blue values on the 0..255 scale, the way Pillow's
 * {@code convert("RGB")} sees them: grey is copied to all three channels, palettes are looked up,
 * alpha is dropped (not blended), and stored values are taken as they are, without colour
 * management.
 */
final class RgbRows {
  private enum Kind {
    GREY,
    RGB,
    CONVERTED
  }

  private final BufferedImage image;
  private final Raster raster;
  private final Kind kind;
  private final float[] scale = new float[3];
  private final int[] samples;

  RgbRows(BufferedImage image) {
    this.image = image;
    this.raster = image.getRaster();
    this.kind = kindOf(image.getColorModel());
    this.samples = new int[image.getWidth()];
    if (kind != Kind.CONVERTED) {
      ColorModel cm = image.getColorModel();
      for (int c = 0; c < 3; c++) {
        int bits = cm.getComponentSize(kind == Kind.GREY ? 0 : c);
        scale[c] = bits == 8 ? 1f : 255f / ((1L << bits) - 1);
      }
    }
  }

  private static Kind kindOf(ColorModel cm) {
    if (cm instanceof IndexColorModel || cm.isAlphaPremultiplied()) return Kind.CONVERTED;
    int type = cm.getColorSpace().getType();
    // Java treats 8-bit grey as linear and would brighten it on conversion to sRGB; Pillow does
    // not.
    if (type == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1) return Kind.GREY;
    if (type == ColorSpace.TYPE_RGB && cm.getNumColorComponents() == 3) return Kind.RGB;
    return Kind.CONVERTED;
  }

  /**
   * Writes row {@code y} into {@code red}, {@code green} and {@code blue} (one value per column).
   */
  void read(int y, float[] red, float[] green, float[] blue) {
    int w = image.getWidth();
    switch (kind) {
      case GREY -> {
        raster.getSamples(0, y, w, 1, 0, samples);
        for (int x = 0; x < w; x++) red[x] = samples[x] * scale[0];
        System.arraycopy(red, 0, green, 0, w);
        System.arraycopy(red, 0, blue, 0, w);
      }
      case RGB -> {
        float[][] channels = {red, green, blue};
        for (int c = 0; c < 3; c++) {
          raster.getSamples(0, y, w, 1, c, samples);
          for (int x = 0; x < w; x++) channels[c][x] = samples[x] * scale[c];
        }
      }
      case CONVERTED -> {
        image.getRGB(0, y, w, 1, samples, 0, w);
        for (int x = 0; x < w; x++) {
          int argb = samples[x];
          red[x] = (argb >> 16) & 0xff;
          green[x] = (argb >> 8) & 0xff;
          blue[x] = argb & 0xff;
        }
      }
    }
  }
}

package io.actdb.extractor.data;

import java.awt.image.BufferedImage;

/**
 * torchvision's standard ImageNet evaluation transform in plain Java: {@code Resize(256)} (the
 * shorter side becomes 256, the longer one {@code floor(256 × long / short)}), {@code
 * CenterCrop(224)} (offsets {@code round((size − 224) / 2)}, halves to even as in Python), {@code
 * ToTensor()} (value / 255) and {@code Normalize(mean, std)}, giving 3 × 224 × 224 floats, channel
 * by channel (CHW), row by row.
 *
 * <p>The resize is Pillow's antialiased bilinear filter (see {@link TriangleFilter}). Differences
 * from torchvision with Pillow: Pillow rounds to 8 bits after each of its two resize passes while
 * this keeps floats, so a resized value can differ by about one step of 1/255 before normalisation
 * (up to ~0.02 after dividing by std); images whose shorter side is already 256 are not resampled
 * and match exactly. Decoders also differ: Java's JPEG decoder and libjpeg can disagree by a few
 * levels on some pixels. Like Pillow, no EXIF rotation and no colour management are applied.
 */
public final class ImageNetPreprocessing {
  private ImageNetPreprocessing() {}

  public static final int RESIZE = 256;
  public static final int CROP = 224;
  public static final int CHANNELS = 3;

  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  /**
   * Writes the transformed image ({@code 3 × 224 × 224} floats) into {@code target} from {@code
   * offset}.
   */
  public static void apply(BufferedImage image, float[] target, int offset) {
    int w = image.getWidth();
    int h = image.getHeight();
    int newW;
    int newH;
    if (w <= h) {
      newW = RESIZE;
      newH = (int) (RESIZE * (long) h / w);
    } else {
      newH = RESIZE;
      newW = (int) (RESIZE * (long) w / h);
    }
    int top = (int) Math.rint((newH - CROP) / 2.0);
    int left = (int) Math.rint((newW - CROP) / 2.0);
    TriangleFilter rows = TriangleFilter.of(h, newH, top, CROP);
    TriangleFilter columns = TriangleFilter.of(w, newW, left, CROP);

    // Horizontal pass over just the source rows the cropped output rows read.
    int y0 = rows.first(0);
    int y1 = rows.end(CROP - 1);
    float[][] mid = new float[CHANNELS][(y1 - y0) * CROP];
    float[][] row = new float[CHANNELS][w];
    RgbRows source = new RgbRows(image);
    for (int y = y0; y < y1; y++) {
      source.read(y, row[0], row[1], row[2]);
      for (int c = 0; c < CHANNELS; c++) {
        for (int x = 0; x < CROP; x++) {
          // Rounding each sum to float keeps uniform areas exact: the weights sum to 1 within a few
          // ulps.
          mid[c][(y - y0) * CROP + x] = (float) columns.apply(x, row[c], 0, 1);
        }
      }
    }

    // Vertical pass, then ToTensor and Normalize.
    for (int c = 0; c < CHANNELS; c++) {
      int plane = offset + c * CROP * CROP;
      for (int y = 0; y < CROP; y++) {
        for (int x = 0; x < CROP; x++) {
          float value = (float) rows.apply(y, mid[c], x - y0 * CROP, CROP);
          target[plane + y * CROP + x] = (value / 255f - MEAN[c]) / STD[c];
        }
      }
    }
  }
}

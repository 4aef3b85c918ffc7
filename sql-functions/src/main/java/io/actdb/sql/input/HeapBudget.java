package io.actdb.sql.input;

import io.actdb.sql.spi.SqlFunctionException;
import java.util.Locale;

/**
 * Heap for aggregate states. A state whose size is known up front may take a quarter of the JVM's
 * maximum heap ({@link #perState}), since DuckDB keeps a state per group and thread and the query
 * needs the rest; one that would exceed it is refused before anything is allocated. Large arrays
 * are allocated through {@link #allocateFloats} / {@link #allocateDoubles}, so an array beyond
 * Java's 2^31 elements or beyond the free heap is the same clear error, naming the bytes needed and
 * the heap, rather than an integer overflow or an OutOfMemoryError with no hint.
 */
public final class HeapBudget {
  private HeapBudget() {}

  /** Bytes one state may use: a quarter of {@link Runtime#maxMemory()}. */
  public static long perState() {
    return Runtime.getRuntime().maxMemory() / 4;
  }

  /** True when {@code bytes} fit {@link #perState()}. */
  public static boolean fits(long bytes) {
    return bytes >= 0 && bytes <= perState();
  }

  /** Fails, naming {@code what} and the bytes it needs, when that exceeds {@link #perState()}. */
  public static void require(long bytes, String what) {
    if (!fits(bytes)) {
      throw error(
          what
              + " needs "
              + describe(bytes)
              + " of heap, more than the quarter of the JVM's"
              + " maximum heap of "
              + describe(Runtime.getRuntime().maxMemory())
              + " one state may use (one state per group and thread)");
    }
  }

  /** {@code new float[length]}, or a clear error naming {@code what} when it cannot be had. */
  public static float[] allocateFloats(long length, String what) {
    checkLength(length, Float.BYTES, what);
    try {
      return new float[(int) length];
    } catch (OutOfMemoryError e) {
      throw outOfHeap(length * Float.BYTES, what);
    }
  }

  /** {@code new double[length]}, or a clear error naming {@code what} when it cannot be had. */
  public static double[] allocateDoubles(long length, String what) {
    checkLength(length, Double.BYTES, what);
    try {
      return new double[(int) length];
    } catch (OutOfMemoryError e) {
      throw outOfHeap(length * Double.BYTES, what);
    }
  }

  /** The error for {@code what}, needing {@code bytes}, that the heap could not give. */
  public static SqlFunctionException outOfHeap(long bytes, String what) {
    return error(
        what
            + " needs "
            + describe(bytes)
            + " of heap, more than is free in the JVM's maximum"
            + " heap of "
            + describe(Runtime.getRuntime().maxMemory()));
  }

  private static void checkLength(long length, int elementBytes, String what) {
    if (length < 0 || length > Integer.MAX_VALUE - 16) {
      throw new SqlFunctionException(
          what
              + " needs "
              + length
              + " array elements ("
              + describe(length * elementBytes)
              + "), more than one Java array holds (2^31); sample fewer rows (USING SAMPLE) or"
              + " compare fewer dimensions");
    }
  }

  private static SqlFunctionException error(String message) {
    return new SqlFunctionException(
        message
            + ". Sample fewer rows (USING SAMPLE), compare fewer dimensions, or raise the"
            + " heap (-Xmx, e.g. ACTDB_JAVA_OPTS=-Xmx8g)");
  }

  /** {@code 1.5 GiB (1610612736 bytes)}. */
  public static String describe(long bytes) {
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0
        ? bytes + " bytes"
        : String.format(Locale.ROOT, "%.1f %s (%d bytes)", v, units[u], bytes);
  }
}

package io.actdb.sql.kernels;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of {@code width} float32 values kept outside the Java heap, for aggregates whose state is
 * the rows themselves (a group of very wide vectors): a heap of 2 GiB then still holds the query
 * while the rows take gigabytes.
 *
 * <p>Rows live in chunks that grow geometrically up to {@link #MAX_CHUNK_BYTES}, so a small group
 * costs little and a large one never needs one contiguous block or a copy to grow. A chunk is freed
 * when no store refers to it any more (its arena is the garbage collector's), and it counts against
 * the JVM's direct-memory limit ({@link #directMemoryLimit()}), which asks the collector to free
 * unreachable chunks before it refuses a new one. {@link #addAll} shares the other store's chunks
 * rather than copying them: combining the states of two threads then needs no second copy of the
 * rows.
 *
 * <p>A store that never outgrows its share of the heap ({@link #onHeap}) keeps its chunks in heap
 * arrays instead: the collector recycles heap memory the JVM already holds, where every native
 * chunk is memory the process touches for the first time (a page fault per 4 KiB, which on a
 * virtual machine can cost more than the copy itself).
 *
 * <p>Not thread-safe; a store that shares its chunks may still append rows (to places the sharer
 * does not read).
 */
public final class OffHeapRows {
  /** Largest chunk: few enough chunks for the 2 000 × 200 000 floats of a wide group. */
  static final long MAX_CHUNK_BYTES = 64L << 20;

  /** Rows of the first chunk at most: a handful of rows should not reserve megabytes. */
  private static final int FIRST_CHUNK_ROWS = 64;

  private record Slice(MemorySegment segment, int rows) {}

  private final int width;
  private final boolean heap;
  private final List<Slice> sealed = new ArrayList<>();
  private MemorySegment tail;
  private int tailCapacity;
  private int tailRows;
  private long rows;

  /** An empty store of rows of {@code width} floats. */
  public OffHeapRows(int width) {
    this(width, false);
  }

  private OffHeapRows(int width, boolean heap) {
    if (width < 1) throw new IllegalArgumentException("width must be >= 1, got " + width);
    this.width = width;
    this.heap = heap;
  }

  /**
   * An empty store of rows of {@code width} floats in heap arrays, for a caller that bounds its
   * rows to what the heap can spare.
   */
  public static OffHeapRows onHeap(int width) {
    return new OffHeapRows(width, true);
  }

  /** Floats per row. */
  public int width() {
    return width;
  }

  /** Rows held. */
  public long rows() {
    return rows;
  }

  /**
   * Appends rows {@code block[0 .. count·width)}.
   *
   * @throws OutOfMemoryError when the direct-memory limit refuses a chunk (nothing is added then)
   */
  public void add(float[] block, int count) {
    if ((long) count * width > block.length) {
      throw new IllegalArgumentException(
          "block holds " + block.length + " floats, fewer than " + count + " rows of " + width);
    }
    int done = 0;
    while (done < count) {
      if (tail == null || tailRows == tailCapacity) newTail(count - done);
      int now = Math.min(count - done, tailCapacity - tailRows);
      MemorySegment.copy(
          block,
          done * width,
          tail,
          ValueLayout.JAVA_FLOAT,
          (long) tailRows * width * Float.BYTES,
          now * width);
      tailRows += now;
      done += now;
      rows += now;
    }
  }

  private void newTail(int wanted) {
    long rowBytes = (long) width * Float.BYTES;
    long cap = Math.max(1, MAX_CHUNK_BYTES / rowBytes);
    // Doubling the store each time keeps the chunk count logarithmic until the cap.
    long capacity = Math.clamp(Math.max(rows, Math.min(wanted, FIRST_CHUNK_ROWS)), 1, cap);
    MemorySegment segment =
        heap
            ? MemorySegment.ofArray(new float[Math.toIntExact(capacity * width)])
            : Arena.ofAuto().allocate(capacity * rowBytes, 64);
    if (tail != null) sealed.add(new Slice(tail, tailRows));
    tail = segment;
    tailCapacity = (int) capacity;
    tailRows = 0;
  }

  /** Appends the rows of {@code other}, sharing its memory. */
  public void addAll(OffHeapRows other) {
    if (other.width != width) {
      throw new IllegalArgumentException("width " + other.width + " differs from " + width);
    }
    if (other.rows == 0) return;
    if (tail != null) sealed.add(new Slice(tail, tailRows));
    tail = null;
    tailRows = 0;
    tailCapacity = 0;
    sealed.addAll(other.sealed);
    if (other.tail != null && other.tailRows > 0) {
      sealed.add(new Slice(other.tail, other.tailRows));
    }
    rows += other.rows;
  }

  /** Visits the filled part of every chunk, in the order the rows were added. */
  private void forEachSlice(SliceVisitor visitor) {
    long first = 0;
    for (Slice s : sealed) {
      if (s.rows > 0) visitor.visit(s.segment, first, s.rows);
      first += s.rows;
    }
    if (tail != null && tailRows > 0) visitor.visit(tail, first, tailRows);
  }

  private interface SliceVisitor {
    void visit(MemorySegment segment, long firstRow, int count);
  }

  /**
   * Copies rows {@code from .. from+count-1} to {@code out[0 .. count·width)}, row-major, in the
   * order they were added.
   */
  public void copyRows(long from, int count, float[] out) {
    long[] written = {0};
    long end = from + count;
    forEachSlice(
        (segment, first, n) -> {
          long lo = Math.max(from, first);
          long hi = Math.min(end, first + n);
          if (lo >= hi) return;
          MemorySegment.copy(
              segment,
              ValueLayout.JAVA_FLOAT,
              (lo - first) * width * Float.BYTES,
              out,
              (int) ((lo - from) * width),
              (int) ((hi - lo) * width));
          written[0] += hi - lo;
        });
    if (written[0] != count) {
      throw new IllegalArgumentException(
          "rows " + from + " .. " + (end - 1) + " are not all in a store of " + rows);
    }
  }

  /**
   * Writes columns {@code from .. from+count-1} of every row, each less its {@code origin} (the
   * difference taken in float64, then rounded to float32), transposed: column {@code from + c} of
   * row {@code r} goes to {@code out[c · rows() + r]}. The block a Gram kernel turns into the rows'
   * example-space Gram matrix {@code Σ_c z_c z_cᵀ}.
   */
  public void transposeColumns(int from, int count, double[] origin, float[] out) {
    if (from < 0 || count < 0 || from + count > width) {
      throw new IllegalArgumentException(
          "columns " + from + " .. " + (from + count - 1) + " outside a row of " + width);
    }
    if ((long) count * rows > out.length) {
      throw new IllegalArgumentException(
          "out holds " + out.length + " floats, fewer than " + count + " × " + rows);
    }
    int n = (int) rows;
    float[] row = new float[count];
    forEachSlice(
        (segment, first, k) -> {
          for (int i = 0; i < k; i++) {
            MemorySegment.copy(
                segment,
                ValueLayout.JAVA_FLOAT,
                ((long) i * width + from) * Float.BYTES,
                row,
                0,
                count);
            int r = (int) first + i;
            for (int c = 0; c < count; c++) {
              out[c * n + r] = (float) (row[c] - origin[from + c]);
            }
          }
        });
  }

  /**
   * Bytes of direct memory the JVM allows ({@code -XX:MaxDirectMemorySize}, by default the maximum
   * heap): the ceiling for all stores of this JVM together.
   */
  public static long directMemoryLimit() {
    try {
      var bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      long set = Long.parseLong(bean.getVMOption("MaxDirectMemorySize").getValue());
      if (set > 0) return set;
    } catch (RuntimeException | LinkageError e) {
      // Not a HotSpot JVM, or no management module: the documented default then.
    }
    return Runtime.getRuntime().maxMemory();
  }
}

package io.actdb.bench;

import io.actdb.cli.CommandFailure;
import io.actdb.sql.StoreConnections;
import io.actdb.sql.tables.ArrowFileScan;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.util.Arrays;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code actdb bench store}: writing a layer (against a plain sequential write of the same bytes),
 * scanning it, and {@code cka} over two store layers against the same data in DuckDB tables.
 */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    header = "Times store writes and scans, and cka from the store against DuckDB tables.",
    footer = {"", "Examples:", "  ./actdb bench store --rows 20000 --dim 512"},
    description = {
      "Writes two layers of --rows x --dim floats to a temporary store, then times:",
      "  the layer write (MB/s) and a plain sequential write of the same bytes, both fsynced;",
      "  SELECT count(*), sum(vec[1]) over a layer (GB/s of file), with the checksum checks and"
          + " without;",
      "  cka over the two layers joined on sample_id, from the store and from DuckDB tables",
      "  (two tables joined the same way, and one table holding both vectors per row)."
    })
final class StoreBenchmark extends Benchmark {
  @Option(names = "--rows", description = "Rows per layer (default: ${DEFAULT-VALUE}).")
  int rows = 100_000;

  @Option(names = "--dim", description = "Floats per vector (default: ${DEFAULT-VALUE}).")
  int dim = 2048;

  @Option(
      names = "--dir",
      description = "Where to put the temporary store (default: the system temp folder).")
  Path parent;

  @Option(names = "--write-only", description = "Time the writes only.")
  boolean writeOnly;

  @Option(names = "--keep", description = "Keep the store afterwards.")
  boolean keep;

  private static final int ROUNDS = 3;

  /** A scan takes a tenth of a second: more rounds keep a noisy moment out of the median. */
  private static final int SCAN_ROUNDS = 9;

  /** Distinct rows cycled through, so that data generation does not count as writing. */
  private static final int POOL = 1024;

  @Override
  protected void execute() throws Exception {
    if (rows < 4 || dim < 1)
      throw new CommandFailure("bench store needs --rows >= 4 and --dim >= 1");
    Path dir =
        Files.createTempDirectory(
            parent == null ? Path.of(System.getProperty("java.io.tmpdir")) : parent,
            "actdb-bench-store");
    try {
      run(dir.resolve("store"));
    } finally {
      if (!keep) DirectoryTree.delete(dir);
      else out().println("store_dir=" + dir.resolve("store"));
    }
  }

  private void run(Path store) throws Exception {
    print("benchmark", "store");
    print("rows", rows);
    print("dim", dim);
    print("threads", Runtime.getRuntime().availableProcessors());
    float[][] poolA = pool(1);
    float[][] poolB = pool(2);
    // The disk's fsync rate is noisy on shared machines: plain and layer writes alternate,
    // ROUNDS times each, and the medians are compared. A layer write counts its commit
    // (fsync, rename, manifest); rewriting layer a replaces the previous round's file.
    long expectedBytes = (long) rows * dim * Float.BYTES + (long) rows * Long.BYTES;
    Files.createDirectories(store);
    double[] plain = new double[ROUNDS];
    double[] layer = new double[ROUNDS];
    LayerEntry a = null;
    try (StoreWriter w = StoreWriter.open(store)) {
      // Unmeasured first writes: the JIT, and the first touch of page-cache memory (on a VM
      // that alone can cost seconds), would otherwise land on whichever write comes first.
      plainWrite(store.resolve("plain.bin"), expectedBytes, poolA);
      writeLayer(w, "a", poolA);
      for (int round = 0; round < ROUNDS; round++) {
        plain[round] =
            plainWrite(store.resolve("plain.bin"), a == null ? expectedBytes : a.bytes(), poolA);
        long t0 = System.nanoTime();
        a = writeLayer(w, "a", poolA);
        layer[round] = seconds(t0);
      }
      writeLayer(w, "b", poolB);
    }
    double writeSeconds = median(layer);
    double plainSeconds = median(plain);
    double mb = a.bytes() / 1e6;
    print("layer_bytes", a.bytes());
    print("write_rounds", ROUNDS);
    print("write_seconds", writeSeconds);
    print("write_mb_per_s", mb / writeSeconds);
    print("plain_write_mb_per_s", mb / plainSeconds);
    print("write_to_plain", plainSeconds / writeSeconds);
    print("write_seconds_all", Arrays.toString(layer).replace(" ", ""));
    print("plain_write_seconds_all", Arrays.toString(plain).replace(" ", ""));
    if (writeOnly) return;

    try (Connection c = StoreConnections.open(store)) {
      String scan = "SELECT count(*), sum(vec[1]) FROM layer('bench', 'a')";
      double count = value(c, scan); // first run: page cache, JIT
      if (count != rows) throw new CommandFailure("check failed: count " + count + " != " + rows);
      // With and without the checksum checks, interleaved so that a noisy moment hits both.
      double[] checked = new double[SCAN_ROUNDS];
      double[] unchecked = new double[SCAN_ROUNDS];
      String verify = System.getProperty(ArrowFileScan.VERIFY_PROPERTY);
      try {
        for (int round = 0; round < SCAN_ROUNDS; round++) {
          System.clearProperty(ArrowFileScan.VERIFY_PROPERTY);
          long t0 = System.nanoTime();
          value(c, scan);
          checked[round] = seconds(t0);
          System.setProperty(ArrowFileScan.VERIFY_PROPERTY, "false");
          t0 = System.nanoTime();
          value(c, scan);
          unchecked[round] = seconds(t0);
        }
      } finally {
        if (verify == null) System.clearProperty(ArrowFileScan.VERIFY_PROPERTY);
        else System.setProperty(ArrowFileScan.VERIFY_PROPERTY, verify);
      }
      double scanSeconds = median(checked);
      double uncheckedSeconds = median(unchecked);
      print("scan_seconds", scanSeconds);
      print("scan_gb_per_s", a.bytes() / 1e9 / scanSeconds);
      print("scan_unchecked_gb_per_s", a.bytes() / 1e9 / uncheckedSeconds);
      print("scan_checked_to_unchecked", uncheckedSeconds / scanSeconds);
      print("scan_seconds_all", Arrays.toString(checked).replace(" ", ""));
      print("scan_unchecked_seconds_all", Arrays.toString(unchecked).replace(" ", ""));

      String join = " a JOIN %s b USING (sample_id)";
      String fromStore =
          "SELECT cka(a.vec, b.vec) FROM layer('bench', 'a')"
              + join.formatted("layer('bench', 'b')");
      exec(c, "CREATE TABLE ta AS SELECT * FROM layer('bench', 'a')");
      exec(c, "CREATE TABLE tb AS SELECT * FROM layer('bench', 'b')");
      String fromTables = "SELECT cka(a.vec, b.vec) FROM ta" + join.formatted("tb");
      // The strictest yardstick: both vectors already side by side in one table, no join.
      exec(
          c,
          "CREATE TABLE pairs AS SELECT a.vec AS x, b.vec AS y FROM layer('bench', 'a')"
              + join.formatted("layer('bench', 'b')"));
      String fromPairs = "SELECT cka(x, y) FROM pairs";
      // Best of two runs each, interleaved, so that a noisy moment does not pick the winner.
      double storeSeconds = Double.MAX_VALUE;
      double tableSeconds = Double.MAX_VALUE;
      double pairsSeconds = Double.MAX_VALUE;
      double ckaStore = 0;
      for (int run = 0; run < 2; run++) {
        long t0 = System.nanoTime();
        ckaStore = value(c, fromStore);
        storeSeconds = Math.min(storeSeconds, seconds(t0));
        t0 = System.nanoTime();
        double ckaTables = value(c, fromTables);
        tableSeconds = Math.min(tableSeconds, seconds(t0));
        t0 = System.nanoTime();
        double ckaPairs = value(c, fromPairs);
        pairsSeconds = Math.min(pairsSeconds, seconds(t0));
        if (Math.abs(ckaStore - ckaTables) > 1e-9 || Math.abs(ckaStore - ckaPairs) > 1e-9) {
          throw new CommandFailure(
              "check failed: cka from the store "
                  + ckaStore
                  + ", two tables "
                  + ckaTables
                  + ", one table "
                  + ckaPairs);
        }
      }
      print("cka", ckaStore);
      print("cka_store_seconds", storeSeconds);
      print("cka_table_seconds", tableSeconds);
      print("cka_store_to_table", storeSeconds / tableSeconds);
      print("cka_one_table_seconds", pairsSeconds);
      print("cka_store_to_one_table", storeSeconds / pairsSeconds);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private float[][] pool(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] pool = new float[POOL][dim];
    for (float[] row : pool) for (int j = 0; j < dim; j++) row[j] = (float) random.nextGaussian();
    return pool;
  }

  private LayerEntry writeLayer(StoreWriter w, String name, float[][] pool) throws IOException {
    try (LayerWriter layer = w.beginLayer("bench", name, dim, "none")) {
      for (int r = 0; r < rows; r++) layer.append(r, pool[r % POOL], 0);
      return layer.commit();
    }
  }

  /** Writes {@code bytes} bytes of the same floats with 8 MiB buffers, then fsyncs. */
  private double plainWrite(Path file, long bytes, float[][] pool) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(8 << 20).order(ByteOrder.LITTLE_ENDIAN);
    long t0 = System.nanoTime();
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      long written = 0;
      int r = 0;
      while (written < bytes) {
        buffer.clear();
        while (buffer.remaining() >= dim * Float.BYTES) {
          buffer.asFloatBuffer().put(pool[r++ % POOL]);
          buffer.position(buffer.position() + dim * Float.BYTES);
        }
        buffer.flip();
        if (buffer.remaining() > bytes - written) buffer.limit((int) (bytes - written));
        while (buffer.hasRemaining()) written += ch.write(buffer);
      }
      ch.force(true);
    }
    double s = seconds(t0);
    Files.delete(file);
    return s;
  }
}

package io.actdb.sql.duckdb;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Removes the copies of DuckDB's native library that killed JVMs left in the temporary directory.
 *
 * <p>DuckDB JDBC 2.0.0.1 copies its 70 MB library to {@code java.io.tmpdir} as {@code
 * libduckdb_java<random>.so} on every start and deletes it only on a normal exit; it offers no
 * setting for another place or a shared copy. A JVM killed with SIGKILL (or a crash) leaves its
 * copy behind, and they pile up. So once per JVM, on a daemon thread, actdb deletes the copies that
 * no running process has loaded (Linux: no {@code /proc/<pid>/maps} names them) and that are older
 * than a minute (a JVM that just copied one may not have loaded it yet). Elsewhere it does nothing:
 * without {@code /proc} it cannot tell which copies are in use.
 */
public final class NativeLibraryCopies {
  private static final Logger LOG = Logger.getLogger(NativeLibraryCopies.class.getName());
  private static final String PREFIX = "libduckdb_java";
  private static final Duration LOADING_GRACE = Duration.ofMinutes(1);
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private NativeLibraryCopies() {}

  /** Starts the cleanup of {@code java.io.tmpdir} once per JVM; returns at once. */
  static void removeStaleInBackground() {
    if (!STARTED.compareAndSet(false, true)) return;
    Path proc = Path.of("/proc");
    if (!Files.isReadable(proc.resolve("self/maps"))) return;
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Thread.ofPlatform()
        .daemon()
        .name("actdb-native-library-cleanup")
        .start(
            () -> {
              try {
                removeStale(tmp, proc, Instant.now().minus(LOADING_GRACE));
              } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "actdb: could not clean up " + tmp, e);
              }
            });
  }

  /**
   * Deletes the {@code libduckdb_java*.so} files of {@code dir} that no process under {@code proc}
   * maps and that were last modified before {@code olderThan}.
   *
   * @return how many files were deleted
   */
  public static int removeStale(Path dir, Path proc, Instant olderThan) throws IOException {
    Set<Path> candidates = new HashSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*.so")) {
      for (Path file : files) {
        if (!Files.isRegularFile(file)) continue;
        FileTime modified = Files.getLastModifiedTime(file);
        if (modified.toInstant().isBefore(olderThan)) candidates.add(file.toAbsolutePath());
      }
    }
    if (candidates.isEmpty()) return 0;
    candidates.removeAll(mappedFiles(proc));
    int deleted = 0;
    for (Path file : candidates) {
      try {
        if (Files.deleteIfExists(file)) deleted++;
      } catch (IOException e) {
        // another user's copy, or gone meanwhile: not ours to remove
      }
    }
    return deleted;
  }

  /** The files named in the memory maps of every process under {@code proc} that we may read. */
  private static Set<Path> mappedFiles(Path proc) throws IOException {
    Set<Path> mapped = new HashSet<>();
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path process : processes) {
        try (Stream<String> lines = Files.lines(process.resolve("maps"))) {
          lines
              .filter(line -> line.contains(PREFIX))
              .forEach(
                  line -> {
                    int slash = line.indexOf('/');
                    if (slash >= 0) mapped.add(Path.of(line.substring(slash)));
                  });
        } catch (IOException | RuntimeException e) {
          // a process that ended meanwhile, or one we may not inspect
        }
      }
    }
    return mapped;
  }
}

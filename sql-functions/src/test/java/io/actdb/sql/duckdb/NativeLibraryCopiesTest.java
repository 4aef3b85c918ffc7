package io.actdb.sql.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stale copies of DuckDB's native library go; copies in use, fresh ones and other files stay. */
class NativeLibraryCopiesTest {
  @TempDir Path dir;

  private Path file(String name, Duration age) throws Exception {
    Path p = Files.write(dir.resolve(name), new byte[4096]);
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(age)));
    return p;
  }

  @Test
  void removesOnlyOldCopiesThatNoProcessMaps() throws Exception {
    Path proc = Path.of("/proc");
    assumeTrue(Files.isReadable(proc.resolve("self/maps")), "needs Linux's /proc");
    Path stale = file("libduckdb_java1234567.so", Duration.ofHours(2));
    Path fresh = file("libduckdb_java7654321.so", Duration.ofSeconds(5));
    Path inUse = file("libduckdb_java5555555.so", Duration.ofHours(2));
    Path other = file("libother.so", Duration.ofHours(2));
    try (FileChannel channel = FileChannel.open(inUse)) {
      // Mapped by this JVM, as a loaded library is: it shows in /proc/self/maps.
      MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, 4096);

      int deleted =
          NativeLibraryCopies.removeStale(dir, proc, Instant.now().minus(Duration.ofMinutes(1)));

      assertEquals(1, deleted);
      assertFalse(Files.exists(stale), "a stale copy was kept");
      assertTrue(Files.exists(fresh), "a copy that may be loading was removed");
      assertTrue(Files.exists(inUse), "a copy in use was removed");
      assertTrue(Files.exists(other), "a file that is not DuckDB's copy was removed");
      assertEquals(0, mapping.get(0));
    }
  }
}

package io.actdb.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The file-system steps of atomic publication. */
final class Durable {
  private Durable() {}

  /** Writes {@code bytes} to {@code target} through a temporary file: fsync, rename, fsync dir. */
  static void replace(Path target, byte[] bytes) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      var buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) ch.write(buffer);
      ch.force(true);
    }
    publish(temp, target);
  }

  /** Renames a fully written and synced file into place, then syncs the directory. */
  static void publish(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new StoreException(
          target.getParent() + ": the file system cannot rename atomically; actdb stores need one",
          e);
    }
    syncDirectory(target.getParent());
  }

  /**
   * Makes a rename or a new file in {@code dir} durable (a no-op where directories cannot be
   * opened).
   */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory; the rename is still atomic there.
      if (Files.isDirectory(dir) && System.getProperty("os.name", "").startsWith("Windows")) return;
      throw e;
    }
  }
}

package io.actdb.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Turns the relative file names of a manifest into paths, refusing any that would leave the store
 * directory: absolute paths, {@code ..}, and symbolic links that lead outside. A manifest is data
 * anyone can edit; the store must never read or delete a file it does not own.
 */
final class StorePaths {
  private StorePaths() {}

  /**
   * The file {@code relative} names inside {@code dir} (absolute and normalized).
   *
   * @param what how messages name the entry, e.g. {@code manifest.json: layer m/l}
   * @throws StoreException if the name leaves the store directory or cannot be resolved
   */
  static Path inside(Path dir, String relative, String what) throws StoreException {
    if (relative == null || relative.isEmpty()) throw new StoreException(what + " names no file");
    String refusal = what + " names file \"" + relative + "\", which ";
    String fix =
        "; refusing this manifest (nothing was read or deleted). Restore the entry or the"
            + " manifest.";
    Path path;
    try {
      path = Path.of(relative);
    } catch (InvalidPathException e) {
      throw new StoreException(refusal + "is not a valid file name" + fix);
    }
    if (path.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
      throw new StoreException(
          refusal + "is an absolute path, not a file inside the store directory " + dir + fix);
    }
    for (Path part : path) {
      String name = part.toString();
      if (name.equals("..") || name.equals(".") || name.contains("\\")) {
        throw new StoreException(refusal + "steps out of the store directory " + dir + fix);
      }
    }
    Path resolved = dir.resolve(path).normalize();
    if (!resolved.startsWith(dir) || resolved.equals(dir)) {
      throw new StoreException(refusal + "is not a file inside the store directory " + dir + fix);
    }
    // A symbolic link on the way may lead anywhere: what counts is where the existing part of
    // the path really is.
    Path existing = resolved;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS))
      existing = existing.getParent();
    if (existing != null) {
      try {
        if (!existing.toRealPath().startsWith(dir.toRealPath())) {
          throw new StoreException(
              refusal
                  + "leads out of the store directory "
                  + dir
                  + " through a symbolic link"
                  + fix);
        }
      } catch (StoreException e) {
        throw e;
      } catch (IOException e) {
        throw new StoreException(refusal + "cannot be resolved (" + e.getMessage() + ")" + fix, e);
      }
    }
    return resolved;
  }
}

package io.actdb.sql.tables;

import io.actdb.sql.spi.BoundScan;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.TableFunction;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code read_arrow_file(path VARCHAR)}: all columns of an Arrow IPC file, schema read when the
 * query is bound, scanned in parallel by record batch. See {@link ArrowFileScan}.
 */
public final class ReadArrowFile implements TableFunction {

  @Override
  public String name() {
    return "read_arrow_file";
  }

  @Override
  public List<SqlType> parameters() {
    return List.of(SqlType.VARCHAR);
  }

  @Override
  public BoundScan bind(List<Object> arguments) {
    String path = (String) arguments.get(0);
    if (path == null) throw new SqlFunctionException("path is NULL");
    if (path.isBlank()) {
      throw new SqlFunctionException(
          "path is empty; give the path of an Arrow IPC file, e.g. read_arrow_file('data.arrow')");
    }
    Path file;
    try {
      file = Path.of(path);
    } catch (InvalidPathException e) {
      throw new SqlFunctionException("invalid path " + path + ": " + e.getMessage());
    }
    if (Files.isDirectory(file)) {
      throw new SqlFunctionException(
          path
              + " is a directory; give the path of an Arrow IPC file (a store directory opens"
              + " with actdb sql --store DIR or the URL jdbc:actdb:DIR)");
    }
    return ArrowFileScan.ofFileSchema(file, path);
  }
}

package io.actdb.sql.store;

import io.actdb.sql.duckdb.BoundScan;
import io.actdb.sql.duckdb.SqlFunctionException;
import io.actdb.sql.duckdb.SqlType;
import io.actdb.sql.duckdb.TableFunction;
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
    Path file;
    try {
      file = Path.of(path);
    } catch (InvalidPathException e) {
      throw new SqlFunctionException("invalid path " + path + ": " + e.getMessage());
    }
    return ArrowFileScan.ofFileSchema(file, path);
  }
}

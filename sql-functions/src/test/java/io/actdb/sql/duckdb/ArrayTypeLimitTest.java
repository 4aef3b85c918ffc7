package io.actdb.sql.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.TestDb;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import java.lang.foreign.MemorySegment;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** DuckDB's C API makes no array type past its limit; we say so instead of binding a broken one. */
class ArrayTypeLimitTest {
  @Test
  void theLargestArrayIsMadeAndTheNextIsAClearError() throws Exception {
    try (Connection c = TestDb.open()) {
      assertTrue(c.isValid(1), "DuckDB's library is loaded");
      MemorySegment largest = LogicalTypes.create(SqlType.floatArray(SqlType.MAX_ARRAY_SIZE));
      try {
        assertTrue(largest.address() != 0);
      } finally {
        NativeDuckDB.destroyLogicalType(largest);
      }
      SqlFunctionException e =
          assertThrows(
              SqlFunctionException.class,
              () -> LogicalTypes.create(SqlType.floatArray(SqlType.MAX_ARRAY_SIZE + 1)));
      assertEquals(
          "DuckDB cannot make the type FLOAT[100000]: its C API makes arrays of at most 99999"
              + " elements (use FLOAT[] for wider vectors)",
          e.getMessage());
      assertEquals(SqlType.FLOAT_LIST, SqlType.floatVector(SqlType.MAX_ARRAY_SIZE + 1));
    }
  }
}

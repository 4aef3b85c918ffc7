package io.actdb.sql.duckdb;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Typed wrappers over {@link DuckDBCApi}: Java types in and out, {@code Throwable}s of {@code
 * invokeExact} rethrown unchecked, error codes turned into exceptions with context. Every other
 * class of the bridge calls DuckDB through here.
 */
final class NativeDuckDB {
  private NativeDuckDB() {}

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) return r;
    if (t instanceof Error e) throw e;
    return new IllegalStateException(t);
  }

  /** Native pointers handed out by DuckDB can be read at any length: widen them. */
  static MemorySegment unbounded(MemorySegment pointer) {
    return pointer.reinterpret(Long.MAX_VALUE);
  }

  // ---------------------------------------------------------------- logical types
  static MemorySegment createLogicalType(int typeId) {
    try {
      return (MemorySegment) DuckDBCApi.duckdb_create_logical_type.invokeExact(typeId);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static MemorySegment createListType(MemorySegment child) {
    try {
      return (MemorySegment) DuckDBCApi.duckdb_create_list_type.invokeExact(child);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static MemorySegment createStructType(MemorySegment[] types, String[] names) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment typeArray = arena.allocate(ValueLayout.ADDRESS, types.length);
      MemorySegment nameArray = arena.allocate(ValueLayout.ADDRESS, names.length);
      for (int i = 0; i < types.length; i++) {
        typeArray.setAtIndex(ValueLayout.ADDRESS, i, types[i]);
        nameArray.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(names[i]));
      }
      return (MemorySegment)
          DuckDBCApi.duckdb_create_struct_type.invokeExact(
              typeArray, nameArray, (long) types.length);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static int typeId(MemorySegment logicalType) {
    try {
      return (int) DuckDBCApi.duckdb_get_type_id.invokeExact(logicalType);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static long arraySize(MemorySegment arrayType) {
    try {
      return (long) DuckDBCApi.duckdb_array_type_array_size.invokeExact(arrayType);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static MemorySegment arrayChildType(MemorySegment arrayType) {
    try {
      return (MemorySegment) DuckDBCApi.duckdb_array_type_child_type.invokeExact(arrayType);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static MemorySegment listChildType(MemorySegment listType) {
    try {
      return (MemorySegment) DuckDBCApi.duckdb_list_type_child_type.invokeExact(listType);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void destroyLogicalType(MemorySegment logicalType) {
    if (logicalType.address() == 0) return;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment holder = arena.allocate(ValueLayout.ADDRESS);
      holder.set(ValueLayout.ADDRESS, 0, logicalType);
      DuckDBCApi.duckdb_destroy_logical_type.invokeExact(holder);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---------------------------------------------------------------- data chunk and vectors
  static long chunkSize(MemorySegment chunk) {
    try {
      return (long) DuckDBCApi.duckdb_data_chunk_get_size.invokeExact(chunk);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static long chunkColumnCount(MemorySegment chunk) {
    try {
      return (long) DuckDBCApi.duckdb_data_chunk_get_column_count.invokeExact(chunk);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static MemorySegment chunkVector(MemorySegment chunk, long column) {
    try {
      return (MemorySegment) DuckDBCApi.duckdb_data_chunk_get_vector.invokeExact(chunk, column);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The vector's logical type; the caller destroys it. */
  static MemorySegment vectorType(MemorySegment vector) {
    try {
      return (MemorySegment) DuckDBCApi.duckdb_vector_get_column_type.invokeExact(vector);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static MemorySegment vectorData(MemorySegment vector) {
    try {
      return unbounded((MemorySegment) DuckDBCApi.duckdb_vector_get_data.invokeExact(vector));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The validity bitmask (bit set = valid), or {@link MemorySegment#NULL} when all rows are valid. */
  static MemorySegment vectorValidity(MemorySegment vector) {
    try {
      MemorySegment v = (MemorySegment) DuckDBCApi.duckdb_vector_get_validity.invokeExact(vector);
      return v.address() == 0 ? MemorySegment.NULL : unbounded(v);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void setNull(MemorySegment vector, long row) {
    try {
      DuckDBCApi.duckdb_vector_ensure_validity_writable.invokeExact(vector);
      MemorySegment validity =
          (MemorySegment) DuckDBCApi.duckdb_vector_get_validity.invokeExact(vector);
      DuckDBCApi.duckdb_validity_set_row_invalid.invokeExact(validity, row);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static boolean isValid(MemorySegment validity, long row) {
    if (validity.address() == 0) return true;
    long word = validity.getAtIndex(ValueLayout.JAVA_LONG, row >>> 6);
    return (word & (1L << (row & 63))) != 0;
  }

  static MemorySegment listChild(MemorySegment vector) {
    try {
      return (MemorySegment) DuckDBCApi.duckdb_list_vector_get_child.invokeExact(vector);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static long listSize(MemorySegment vector) {
    try {
      return (long) DuckDBCApi.duckdb_list_vector_get_size.invokeExact(vector);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void listReserveAndSetSize(MemorySegment vector, long size) {
    try {
      int a = (int) DuckDBCApi.duckdb_list_vector_reserve.invokeExact(vector, size);
      int b = (int) DuckDBCApi.duckdb_list_vector_set_size.invokeExact(vector, size);
      if (a != DuckDBCApi.DUCKDB_SUCCESS || b != DuckDBCApi.DUCKDB_SUCCESS) {
        throw new IllegalStateException("DuckDB could not grow a list vector to " + size);
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static MemorySegment arrayChild(MemorySegment vector) {
    try {
      return (MemorySegment) DuckDBCApi.duckdb_array_vector_get_child.invokeExact(vector);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static MemorySegment structChild(MemorySegment vector, long index) {
    try {
      return (MemorySegment) DuckDBCApi.duckdb_struct_vector_get_child.invokeExact(vector, index);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---------------------------------------------------------------- aggregate functions
  static MemorySegment createAggregateFunction() {
    try {
      return (MemorySegment) DuckDBCApi.duckdb_create_aggregate_function.invokeExact();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void destroyAggregateFunction(MemorySegment function) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment holder = arena.allocate(ValueLayout.ADDRESS);
      holder.set(ValueLayout.ADDRESS, 0, function);
      DuckDBCApi.duckdb_destroy_aggregate_function.invokeExact(holder);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void setAggregateName(MemorySegment function, String name) {
    try (Arena arena = Arena.ofConfined()) {
      DuckDBCApi.duckdb_aggregate_function_set_name.invokeExact(function, arena.allocateFrom(name));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void addAggregateParameter(MemorySegment function, MemorySegment type) {
    try {
      DuckDBCApi.duckdb_aggregate_function_add_parameter.invokeExact(function, type);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void setAggregateReturnType(MemorySegment function, MemorySegment type) {
    try {
      DuckDBCApi.duckdb_aggregate_function_set_return_type.invokeExact(function, type);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void setAggregateCallbacks(
      MemorySegment function,
      MemorySegment stateSize,
      MemorySegment init,
      MemorySegment update,
      MemorySegment combine,
      MemorySegment finalize,
      MemorySegment destroy) {
    try {
      DuckDBCApi.duckdb_aggregate_function_set_functions.invokeExact(
          function, stateSize, init, update, combine, finalize);
      DuckDBCApi.duckdb_aggregate_function_set_destructor.invokeExact(function, destroy);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Asks DuckDB to pass NULL rows to update (actdb skips them itself, with the same result). */
  static void setSpecialNullHandling(MemorySegment function) {
    try {
      DuckDBCApi.duckdb_aggregate_function_set_special_handling.invokeExact(function);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Reports an error from inside a callback; DuckDB raises it once the callback returns. */
  static void setAggregateError(MemorySegment info, String message) {
    try (Arena arena = Arena.ofConfined()) {
      // DuckDB copies the message into its own exception before we free it.
      DuckDBCApi.duckdb_aggregate_function_set_error.invokeExact(info, arena.allocateFrom(message));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static MemorySegment createAggregateFunctionSet(String name) {
    try (Arena arena = Arena.ofConfined()) {
      return (MemorySegment)
          DuckDBCApi.duckdb_create_aggregate_function_set.invokeExact(arena.allocateFrom(name));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void destroyAggregateFunctionSet(MemorySegment set) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment holder = arena.allocate(ValueLayout.ADDRESS);
      holder.set(ValueLayout.ADDRESS, 0, set);
      DuckDBCApi.duckdb_destroy_aggregate_function_set.invokeExact(holder);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void addToFunctionSet(MemorySegment set, MemorySegment function, String name) {
    try {
      int rc = (int) DuckDBCApi.duckdb_add_aggregate_function_to_set.invokeExact(set, function);
      if (rc != DuckDBCApi.DUCKDB_SUCCESS) {
        throw new IllegalStateException(
            "DuckDB refused an overload of " + name + " (same parameter types twice?)");
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static boolean registerAggregateFunctionSet(MemorySegment connection, MemorySegment set) {
    try {
      return (int) DuckDBCApi.duckdb_register_aggregate_function_set.invokeExact(connection, set)
          == DuckDBCApi.DUCKDB_SUCCESS;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static String libraryVersion() {
    try {
      MemorySegment s = (MemorySegment) DuckDBCApi.duckdb_library_version.invokeExact();
      return unbounded(s).getString(0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }
}

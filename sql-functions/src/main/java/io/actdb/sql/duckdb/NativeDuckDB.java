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

  // One downcall each, written as a lambda around the invokeExact so that the call site keeps
  // its exact type (and the handle stays a constant the JIT inlines); these helpers only turn
  // invokeExact's Throwable into an unchecked exception. One interface per return kind, so that
  // no primitive result is boxed. A void downcall needs a block lambda: as an expression lambda's
  // body, invokeExact's result type would be Object and the call would fail at run time.

  @FunctionalInterface
  private interface SegmentCall {
    MemorySegment call() throws Throwable;
  }

  @FunctionalInterface
  private interface LongCall {
    long call() throws Throwable;
  }

  @FunctionalInterface
  private interface IntCall {
    int call() throws Throwable;
  }

  @FunctionalInterface
  private interface VoidCall {
    void call() throws Throwable;
  }

  private static MemorySegment call(SegmentCall downcall) {
    try {
      return downcall.call();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static long callLong(LongCall downcall) {
    try {
      return downcall.call();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static int callInt(IntCall downcall) {
    try {
      return downcall.call();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static void run(VoidCall downcall) {
    try {
      downcall.call();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * A pointer-sized slot holding {@code pointer}: the C API's destroy functions take {@code T *}.
   */
  private static MemorySegment pointerTo(Arena arena, MemorySegment pointer) {
    MemorySegment holder = arena.allocate(ValueLayout.ADDRESS);
    holder.set(ValueLayout.ADDRESS, 0, pointer);
    return holder;
  }

  /** Native pointers handed out by DuckDB can be read at any length: widen them. */
  static MemorySegment unbounded(MemorySegment pointer) {
    return pointer.reinterpret(Long.MAX_VALUE);
  }

  // ---------------------------------------------------------------- parser
  /**
   * How many statements DuckDB's parser finds in {@code sql}, on connection {@code connection}.
   *
   * @throws IllegalArgumentException with the parser's message when {@code sql} does not parse
   */
  static long countStatements(MemorySegment connection, String sql) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment query = arena.allocateFrom(sql);
      MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
      long count =
          callLong(
              () ->
                  (long) DuckDBCApi.duckdb_extract_statements.invokeExact(connection, query, out));
      MemorySegment extracted = out.get(ValueLayout.ADDRESS, 0);
      try {
        if (count == 0) {
          MemorySegment error =
              call(
                  () ->
                      (MemorySegment)
                          DuckDBCApi.duckdb_extract_statements_error.invokeExact(extracted));
          if (error.address() != 0) {
            throw new IllegalArgumentException(unbounded(error).getString(0));
          }
        }
        return count;
      } finally {
        run(
            () -> {
              DuckDBCApi.duckdb_destroy_extracted.invokeExact(out);
            });
      }
    }
  }

  // ---------------------------------------------------------------- logical types
  static MemorySegment createLogicalType(int typeId) {
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_create_logical_type.invokeExact(typeId));
  }

  static MemorySegment createListType(MemorySegment child) {
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_create_list_type.invokeExact(child));
  }

  static MemorySegment createArrayType(MemorySegment child, long size) {
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_create_array_type.invokeExact(child, size));
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
    return callInt(() -> (int) DuckDBCApi.duckdb_get_type_id.invokeExact(logicalType));
  }

  static long arraySize(MemorySegment arrayType) {
    return callLong(() -> (long) DuckDBCApi.duckdb_array_type_array_size.invokeExact(arrayType));
  }

  static MemorySegment arrayChildType(MemorySegment arrayType) {
    return call(
        () -> (MemorySegment) DuckDBCApi.duckdb_array_type_child_type.invokeExact(arrayType));
  }

  static MemorySegment listChildType(MemorySegment listType) {
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_list_type_child_type.invokeExact(listType));
  }

  static void destroyLogicalType(MemorySegment logicalType) {
    if (logicalType.address() == 0) return;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment holder = pointerTo(arena, logicalType);
      run(
          () -> {
            DuckDBCApi.duckdb_destroy_logical_type.invokeExact(holder);
          });
    }
  }

  // ---------------------------------------------------------------- data chunk and vectors
  static long chunkSize(MemorySegment chunk) {
    return callLong(() -> (long) DuckDBCApi.duckdb_data_chunk_get_size.invokeExact(chunk));
  }

  static long chunkColumnCount(MemorySegment chunk) {
    return callLong(() -> (long) DuckDBCApi.duckdb_data_chunk_get_column_count.invokeExact(chunk));
  }

  static void setChunkSize(MemorySegment chunk, long size) {
    run(
        () -> {
          DuckDBCApi.duckdb_data_chunk_set_size.invokeExact(chunk, size);
        });
  }

  /** DuckDB's vector size (rows per chunk, 2048 by default); fixed for the library build. */
  static long vectorSize() {
    return callLong(() -> (long) DuckDBCApi.duckdb_vector_size.invokeExact());
  }

  /** Copies {@code length} bytes at {@code utf8} into row {@code row} of a VARCHAR vector. */
  static void assignString(MemorySegment vector, long row, MemorySegment utf8, long length) {
    run(
        () -> {
          DuckDBCApi.duckdb_vector_assign_string_element_len.invokeExact(vector, row, utf8, length);
        });
  }

  /** Makes the validity mask writable (all rows valid if there was none) and returns it. */
  static MemorySegment writableValidity(MemorySegment vector) {
    try {
      DuckDBCApi.duckdb_vector_ensure_validity_writable.invokeExact(vector);
      return unbounded((MemorySegment) DuckDBCApi.duckdb_vector_get_validity.invokeExact(vector));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static MemorySegment chunkVector(MemorySegment chunk, long column) {
    return call(
        () -> (MemorySegment) DuckDBCApi.duckdb_data_chunk_get_vector.invokeExact(chunk, column));
  }

  /** The vector's logical type; the caller destroys it. */
  static MemorySegment vectorType(MemorySegment vector) {
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_vector_get_column_type.invokeExact(vector));
  }

  static MemorySegment vectorData(MemorySegment vector) {
    return unbounded(
        call(() -> (MemorySegment) DuckDBCApi.duckdb_vector_get_data.invokeExact(vector)));
  }

  /**
   * The validity bitmask (bit set = valid), or {@link MemorySegment#NULL} when all rows are valid.
   */
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
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_list_vector_get_child.invokeExact(vector));
  }

  static long listSize(MemorySegment vector) {
    return callLong(() -> (long) DuckDBCApi.duckdb_list_vector_get_size.invokeExact(vector));
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
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_array_vector_get_child.invokeExact(vector));
  }

  static MemorySegment structChild(MemorySegment vector, long index) {
    return call(
        () -> (MemorySegment) DuckDBCApi.duckdb_struct_vector_get_child.invokeExact(vector, index));
  }

  // ---------------------------------------------------------------- aggregate functions
  static MemorySegment createAggregateFunction() {
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_create_aggregate_function.invokeExact());
  }

  static void destroyAggregateFunction(MemorySegment function) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment holder = pointerTo(arena, function);
      run(
          () -> {
            DuckDBCApi.duckdb_destroy_aggregate_function.invokeExact(holder);
          });
    }
  }

  static void setAggregateName(MemorySegment function, String name) {
    try (Arena arena = Arena.ofConfined()) {
      run(
          () -> {
            DuckDBCApi.duckdb_aggregate_function_set_name.invokeExact(
                function, arena.allocateFrom(name));
          });
    }
  }

  static void addAggregateParameter(MemorySegment function, MemorySegment type) {
    run(
        () -> {
          DuckDBCApi.duckdb_aggregate_function_add_parameter.invokeExact(function, type);
        });
  }

  static void setAggregateReturnType(MemorySegment function, MemorySegment type) {
    run(
        () -> {
          DuckDBCApi.duckdb_aggregate_function_set_return_type.invokeExact(function, type);
        });
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
    run(
        () -> {
          DuckDBCApi.duckdb_aggregate_function_set_special_handling.invokeExact(function);
        });
  }

  static void addTableFunctionNamedParameter(
      MemorySegment function, String name, MemorySegment type) {
    try (Arena arena = Arena.ofConfined()) {
      // DuckDB copies the name into its map of named parameters.
      run(
          () -> {
            DuckDBCApi.duckdb_table_function_add_named_parameter.invokeExact(
                function, arena.allocateFrom(name), type);
          });
    }
  }

  /**
   * Stores a handle as the function's extra info; DuckDB calls {@code destroy} when it drops the
   * function.
   */
  static void setAggregateExtraInfo(MemorySegment function, long handle, MemorySegment destroy) {
    run(
        () -> {
          DuckDBCApi.duckdb_aggregate_function_set_extra_info.invokeExact(
              function, MemorySegment.ofAddress(handle), destroy);
        });
  }

  /** The handle stored by {@link #setAggregateExtraInfo}, from a callback's function info. */
  static long aggregateExtraInfo(MemorySegment info) {
    return call(() ->
            (MemorySegment) DuckDBCApi.duckdb_aggregate_function_get_extra_info.invokeExact(info))
        .address();
  }

  /** Reports an error from inside a callback; DuckDB raises it once the callback returns. */
  static void setAggregateError(MemorySegment info, String message) {
    try (Arena arena = Arena.ofConfined()) {
      // DuckDB copies the message into its own exception before we free it.
      run(
          () -> {
            DuckDBCApi.duckdb_aggregate_function_set_error.invokeExact(
                info, arena.allocateFrom(message));
          });
    }
  }

  static MemorySegment createAggregateFunctionSet(String name) {
    try (Arena arena = Arena.ofConfined()) {
      return call(
          () ->
              (MemorySegment)
                  DuckDBCApi.duckdb_create_aggregate_function_set.invokeExact(
                      arena.allocateFrom(name)));
    }
  }

  static void destroyAggregateFunctionSet(MemorySegment set) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment holder = pointerTo(arena, set);
      run(
          () -> {
            DuckDBCApi.duckdb_destroy_aggregate_function_set.invokeExact(holder);
          });
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
    return callInt(
            () ->
                (int)
                    DuckDBCApi.duckdb_register_aggregate_function_set.invokeExact(connection, set))
        == DuckDBCApi.DUCKDB_SUCCESS;
  }

  // ---------------------------------------------------------------- values
  /** A VARCHAR parameter value as a Java string, or null for SQL NULL. Destroys the value. */
  static String takeVarchar(MemorySegment value) {
    try {
      if ((boolean) DuckDBCApi.duckdb_is_null_value.invokeExact(value)) return null;
      MemorySegment chars = (MemorySegment) DuckDBCApi.duckdb_get_varchar.invokeExact(value);
      try {
        return unbounded(chars).getString(0);
      } finally {
        DuckDBCApi.duckdb_free.invokeExact(chars);
      }
    } catch (Throwable t) {
      throw rethrow(t);
    } finally {
      destroyValue(value);
    }
  }

  /** A BIGINT parameter value, or null for SQL NULL. Destroys the value. */
  static Long takeInt64(MemorySegment value) {
    try {
      if ((boolean) DuckDBCApi.duckdb_is_null_value.invokeExact(value)) return null;
      return (long) DuckDBCApi.duckdb_get_int64.invokeExact(value);
    } catch (Throwable t) {
      throw rethrow(t);
    } finally {
      destroyValue(value);
    }
  }

  static void destroyValue(MemorySegment value) {
    if (value.address() == 0) return;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment holder = pointerTo(arena, value);
      run(
          () -> {
            DuckDBCApi.duckdb_destroy_value.invokeExact(holder);
          });
    }
  }

  // ---------------------------------------------------------------- table functions
  static MemorySegment createTableFunction() {
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_create_table_function.invokeExact());
  }

  static void destroyTableFunction(MemorySegment function) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment holder = pointerTo(arena, function);
      run(
          () -> {
            DuckDBCApi.duckdb_destroy_table_function.invokeExact(holder);
          });
    }
  }

  static void setTableFunctionName(MemorySegment function, String name) {
    try (Arena arena = Arena.ofConfined()) {
      // DuckDB copies the name into a std::string.
      run(
          () -> {
            DuckDBCApi.duckdb_table_function_set_name.invokeExact(
                function, arena.allocateFrom(name));
          });
    }
  }

  static void addTableFunctionParameter(MemorySegment function, MemorySegment type) {
    run(
        () -> {
          DuckDBCApi.duckdb_table_function_add_parameter.invokeExact(function, type);
        });
  }

  /**
   * Stores a handle as the function's extra info; DuckDB calls {@code destroy} when it drops the
   * function.
   */
  static void setTableFunctionExtraInfo(
      MemorySegment function, long handle, MemorySegment destroy) {
    run(
        () -> {
          DuckDBCApi.duckdb_table_function_set_extra_info.invokeExact(
              function, MemorySegment.ofAddress(handle), destroy);
        });
  }

  static void setTableFunctionCallbacks(
      MemorySegment function,
      MemorySegment bind,
      MemorySegment init,
      MemorySegment localInit,
      MemorySegment scan) {
    try {
      DuckDBCApi.duckdb_table_function_set_bind.invokeExact(function, bind);
      DuckDBCApi.duckdb_table_function_set_init.invokeExact(function, init);
      DuckDBCApi.duckdb_table_function_set_local_init.invokeExact(function, localInit);
      DuckDBCApi.duckdb_table_function_set_function.invokeExact(function, scan);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void setProjectionPushdown(MemorySegment function, boolean pushdown) {
    run(
        () -> {
          DuckDBCApi.duckdb_table_function_supports_projection_pushdown.invokeExact(
              function, pushdown);
        });
  }

  static boolean registerTableFunction(MemorySegment connection, MemorySegment function) {
    return callInt(
            () -> (int) DuckDBCApi.duckdb_register_table_function.invokeExact(connection, function))
        == DuckDBCApi.DUCKDB_SUCCESS;
  }

  // bind
  /** The handle stored by {@link #setTableFunctionExtraInfo}. */
  static long bindExtraInfo(MemorySegment info) {
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_bind_get_extra_info.invokeExact(info))
        .address();
  }

  static void bindAddResultColumn(MemorySegment info, String name, MemorySegment type) {
    try (Arena arena = Arena.ofConfined()) {
      run(
          () -> {
            DuckDBCApi.duckdb_bind_add_result_column.invokeExact(
                info, arena.allocateFrom(name), type);
          });
    }
  }

  static long bindParameterCount(MemorySegment info) {
    return callLong(() -> (long) DuckDBCApi.duckdb_bind_get_parameter_count.invokeExact(info));
  }

  /** Parameter {@code index}; the caller destroys the value (see {@link #takeVarchar}). */
  static MemorySegment bindParameter(MemorySegment info, long index) {
    return call(
        () -> (MemorySegment) DuckDBCApi.duckdb_bind_get_parameter.invokeExact(info, index));
  }

  /**
   * Named parameter {@code name}, or a NULL address when the call did not give it; the caller
   * destroys a value (see {@link #takeVarchar}).
   */
  static MemorySegment bindNamedParameter(MemorySegment info, String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cName = arena.allocateFrom(name);
      return call(
          () ->
              (MemorySegment) DuckDBCApi.duckdb_bind_get_named_parameter.invokeExact(info, cName));
    }
  }

  static void bindSetBindData(MemorySegment info, long handle, MemorySegment destroy) {
    run(
        () -> {
          DuckDBCApi.duckdb_bind_set_bind_data.invokeExact(
              info, MemorySegment.ofAddress(handle), destroy);
        });
  }

  static void bindSetCardinality(MemorySegment info, long rows, boolean exact) {
    run(
        () -> {
          DuckDBCApi.duckdb_bind_set_cardinality.invokeExact(info, rows, exact);
        });
  }

  static void bindSetError(MemorySegment info, String message) {
    try (Arena arena = Arena.ofConfined()) {
      // DuckDB copies the message into a std::string.
      run(
          () -> {
            DuckDBCApi.duckdb_bind_set_error.invokeExact(info, arena.allocateFrom(message));
          });
    }
  }

  // init
  /** The handle stored by {@link #bindSetBindData}. */
  static long initBindData(MemorySegment info) {
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_init_get_bind_data.invokeExact(info))
        .address();
  }

  static void initSetInitData(MemorySegment info, long handle, MemorySegment destroy) {
    run(
        () -> {
          DuckDBCApi.duckdb_init_set_init_data.invokeExact(
              info, MemorySegment.ofAddress(handle), destroy);
        });
  }

  /** The bind-time column indexes the query needs, in output chunk order. */
  static long[] initProjection(MemorySegment info) {
    try {
      int n = Math.toIntExact((long) DuckDBCApi.duckdb_init_get_column_count.invokeExact(info));
      long[] columns = new long[n];
      for (int i = 0; i < n; i++) {
        columns[i] = (long) DuckDBCApi.duckdb_init_get_column_index.invokeExact(info, (long) i);
      }
      return columns;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  static void initSetMaxThreads(MemorySegment info, long threads) {
    run(
        () -> {
          DuckDBCApi.duckdb_init_set_max_threads.invokeExact(info, threads);
        });
  }

  static void initSetError(MemorySegment info, String message) {
    try (Arena arena = Arena.ofConfined()) {
      run(
          () -> {
            DuckDBCApi.duckdb_init_set_error.invokeExact(info, arena.allocateFrom(message));
          });
    }
  }

  // execution
  static long functionInitData(MemorySegment info) {
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_function_get_init_data.invokeExact(info))
        .address();
  }

  static long functionLocalInitData(MemorySegment info) {
    return call(() ->
            (MemorySegment) DuckDBCApi.duckdb_function_get_local_init_data.invokeExact(info))
        .address();
  }

  static long functionBindData(MemorySegment info) {
    return call(() -> (MemorySegment) DuckDBCApi.duckdb_function_get_bind_data.invokeExact(info))
        .address();
  }

  static void functionSetError(MemorySegment info, String message) {
    try (Arena arena = Arena.ofConfined()) {
      run(
          () -> {
            DuckDBCApi.duckdb_function_set_error.invokeExact(info, arena.allocateFrom(message));
          });
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

package io.actdb.sql.duckdb;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Raw downcall handles for the parts of DuckDB's C API ({@code duckdb.h}) that actdb uses, one
 * field per C function and named after it. This is the only class that binds native symbols.
 *
 * <p>The symbols live in the native library that the DuckDB JDBC driver loads into this class
 * loader; this class must therefore be initialised only after a DuckDB connection was opened
 * (callers hold a {@link java.sql.Connection}, so that is always true). Pointers are passed as
 * {@link MemorySegment}s, {@code idx_t} as {@code long}.
 */
final class DuckDBCApi {
  private DuckDBCApi() {}

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LOOKUP = SymbolLookup.loaderLookup();

  // duckdb_type ids used here (duckdb.h enum DUCKDB_TYPE)
  static final int TYPE_BOOLEAN = 1;
  static final int TYPE_TINYINT = 2;
  static final int TYPE_SMALLINT = 3;
  static final int TYPE_INTEGER = 4;
  static final int TYPE_BIGINT = 5;
  static final int TYPE_FLOAT = 10;
  static final int TYPE_DOUBLE = 11;
  static final int TYPE_VARCHAR = 17;
  static final int TYPE_DECIMAL = 19;
  static final int TYPE_LIST = 24;
  static final int TYPE_STRUCT = 25;
  static final int TYPE_ARRAY = 33;
  static final int TYPE_ANY = 34;
  static final int TYPE_SQLNULL = 36;

  static final int DUCKDB_SUCCESS = 0;

  private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
    MemorySegment symbol =
        LOOKUP
            .find(name)
            .orElseThrow(
                () ->
                    new UnsatisfiedLinkError(
                        "DuckDB C API symbol "
                            + name
                            + " not found: open a DuckDB JDBC connection before using actdb"
                            + " functions, and run Java with --enable-native-access=ALL-UNNAMED"));
    return LINKER.downcallHandle(symbol, descriptor);
  }

  private static FunctionDescriptor voidOf(java.lang.foreign.MemoryLayout... args) {
    return FunctionDescriptor.ofVoid(args);
  }

  // ---------------------------------------------------------------- logical types
  /** duckdb_logical_type duckdb_create_logical_type(duckdb_type type) */
  static final MethodHandle duckdb_create_logical_type =
      bind("duckdb_create_logical_type", FunctionDescriptor.of(ADDRESS, JAVA_INT));
  /** duckdb_logical_type duckdb_create_list_type(duckdb_logical_type type) */
  static final MethodHandle duckdb_create_list_type =
      bind("duckdb_create_list_type", FunctionDescriptor.of(ADDRESS, ADDRESS));
  /** duckdb_logical_type duckdb_create_struct_type(duckdb_logical_type *types, const char **names, idx_t n) */
  static final MethodHandle duckdb_create_struct_type =
      bind("duckdb_create_struct_type", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
  /** duckdb_type duckdb_get_type_id(duckdb_logical_type type) */
  static final MethodHandle duckdb_get_type_id =
      bind("duckdb_get_type_id", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  /** idx_t duckdb_array_type_array_size(duckdb_logical_type type) */
  static final MethodHandle duckdb_array_type_array_size =
      bind("duckdb_array_type_array_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
  /** duckdb_logical_type duckdb_array_type_child_type(duckdb_logical_type type) */
  static final MethodHandle duckdb_array_type_child_type =
      bind("duckdb_array_type_child_type", FunctionDescriptor.of(ADDRESS, ADDRESS));
  /** duckdb_logical_type duckdb_list_type_child_type(duckdb_logical_type type) */
  static final MethodHandle duckdb_list_type_child_type =
      bind("duckdb_list_type_child_type", FunctionDescriptor.of(ADDRESS, ADDRESS));
  /** void duckdb_destroy_logical_type(duckdb_logical_type *type) */
  static final MethodHandle duckdb_destroy_logical_type =
      bind("duckdb_destroy_logical_type", voidOf(ADDRESS));

  // ---------------------------------------------------------------- data chunk
  /** idx_t duckdb_data_chunk_get_column_count(duckdb_data_chunk chunk) */
  static final MethodHandle duckdb_data_chunk_get_column_count =
      bind("duckdb_data_chunk_get_column_count", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
  /** idx_t duckdb_data_chunk_get_size(duckdb_data_chunk chunk) */
  static final MethodHandle duckdb_data_chunk_get_size =
      bind("duckdb_data_chunk_get_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
  /** duckdb_vector duckdb_data_chunk_get_vector(duckdb_data_chunk chunk, idx_t col_idx) */
  static final MethodHandle duckdb_data_chunk_get_vector =
      bind("duckdb_data_chunk_get_vector", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));

  // ---------------------------------------------------------------- vector
  /** duckdb_logical_type duckdb_vector_get_column_type(duckdb_vector vector) */
  static final MethodHandle duckdb_vector_get_column_type =
      bind("duckdb_vector_get_column_type", FunctionDescriptor.of(ADDRESS, ADDRESS));
  /** void *duckdb_vector_get_data(duckdb_vector vector) */
  static final MethodHandle duckdb_vector_get_data =
      bind("duckdb_vector_get_data", FunctionDescriptor.of(ADDRESS, ADDRESS));
  /** uint64_t *duckdb_vector_get_validity(duckdb_vector vector) */
  static final MethodHandle duckdb_vector_get_validity =
      bind("duckdb_vector_get_validity", FunctionDescriptor.of(ADDRESS, ADDRESS));
  /** void duckdb_vector_ensure_validity_writable(duckdb_vector vector) */
  static final MethodHandle duckdb_vector_ensure_validity_writable =
      bind("duckdb_vector_ensure_validity_writable", voidOf(ADDRESS));
  /** void duckdb_validity_set_row_invalid(uint64_t *validity, idx_t row) */
  static final MethodHandle duckdb_validity_set_row_invalid =
      bind("duckdb_validity_set_row_invalid", voidOf(ADDRESS, JAVA_LONG));
  /** duckdb_vector duckdb_list_vector_get_child(duckdb_vector vector) */
  static final MethodHandle duckdb_list_vector_get_child =
      bind("duckdb_list_vector_get_child", FunctionDescriptor.of(ADDRESS, ADDRESS));
  /** idx_t duckdb_list_vector_get_size(duckdb_vector vector) */
  static final MethodHandle duckdb_list_vector_get_size =
      bind("duckdb_list_vector_get_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
  /** duckdb_state duckdb_list_vector_reserve(duckdb_vector vector, idx_t required_capacity) */
  static final MethodHandle duckdb_list_vector_reserve =
      bind("duckdb_list_vector_reserve", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
  /** duckdb_state duckdb_list_vector_set_size(duckdb_vector vector, idx_t size) */
  static final MethodHandle duckdb_list_vector_set_size =
      bind("duckdb_list_vector_set_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
  /** duckdb_vector duckdb_array_vector_get_child(duckdb_vector vector) */
  static final MethodHandle duckdb_array_vector_get_child =
      bind("duckdb_array_vector_get_child", FunctionDescriptor.of(ADDRESS, ADDRESS));
  /** duckdb_vector duckdb_struct_vector_get_child(duckdb_vector vector, idx_t index) */
  static final MethodHandle duckdb_struct_vector_get_child =
      bind("duckdb_struct_vector_get_child", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));

  // ---------------------------------------------------------------- aggregate function
  /** duckdb_aggregate_function duckdb_create_aggregate_function() */
  static final MethodHandle duckdb_create_aggregate_function =
      bind("duckdb_create_aggregate_function", FunctionDescriptor.of(ADDRESS));
  /** void duckdb_destroy_aggregate_function(duckdb_aggregate_function *f) */
  static final MethodHandle duckdb_destroy_aggregate_function =
      bind("duckdb_destroy_aggregate_function", voidOf(ADDRESS));
  /** void duckdb_aggregate_function_set_name(duckdb_aggregate_function f, const char *name) */
  static final MethodHandle duckdb_aggregate_function_set_name =
      bind("duckdb_aggregate_function_set_name", voidOf(ADDRESS, ADDRESS));
  /** void duckdb_aggregate_function_add_parameter(duckdb_aggregate_function f, duckdb_logical_type t) */
  static final MethodHandle duckdb_aggregate_function_add_parameter =
      bind("duckdb_aggregate_function_add_parameter", voidOf(ADDRESS, ADDRESS));
  /** void duckdb_aggregate_function_set_return_type(duckdb_aggregate_function f, duckdb_logical_type t) */
  static final MethodHandle duckdb_aggregate_function_set_return_type =
      bind("duckdb_aggregate_function_set_return_type", voidOf(ADDRESS, ADDRESS));
  /** void duckdb_aggregate_function_set_functions(f, state_size, init, update, combine, finalize) */
  static final MethodHandle duckdb_aggregate_function_set_functions =
      bind(
          "duckdb_aggregate_function_set_functions",
          voidOf(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
  /** void duckdb_aggregate_function_set_destructor(duckdb_aggregate_function f, destroy) */
  static final MethodHandle duckdb_aggregate_function_set_destructor =
      bind("duckdb_aggregate_function_set_destructor", voidOf(ADDRESS, ADDRESS));
  /** void duckdb_aggregate_function_set_special_handling(duckdb_aggregate_function f) */
  static final MethodHandle duckdb_aggregate_function_set_special_handling =
      bind("duckdb_aggregate_function_set_special_handling", voidOf(ADDRESS));
  /** void duckdb_aggregate_function_set_error(duckdb_function_info info, const char *error) */
  static final MethodHandle duckdb_aggregate_function_set_error =
      bind("duckdb_aggregate_function_set_error", voidOf(ADDRESS, ADDRESS));
  /** duckdb_aggregate_function_set duckdb_create_aggregate_function_set(const char *name) */
  static final MethodHandle duckdb_create_aggregate_function_set =
      bind("duckdb_create_aggregate_function_set", FunctionDescriptor.of(ADDRESS, ADDRESS));
  /** void duckdb_destroy_aggregate_function_set(duckdb_aggregate_function_set *set) */
  static final MethodHandle duckdb_destroy_aggregate_function_set =
      bind("duckdb_destroy_aggregate_function_set", voidOf(ADDRESS));
  /** duckdb_state duckdb_add_aggregate_function_to_set(set, duckdb_aggregate_function f) */
  static final MethodHandle duckdb_add_aggregate_function_to_set =
      bind("duckdb_add_aggregate_function_to_set", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  /** duckdb_state duckdb_register_aggregate_function_set(duckdb_connection con, set) */
  static final MethodHandle duckdb_register_aggregate_function_set =
      bind(
          "duckdb_register_aggregate_function_set",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

  // ---------------------------------------------------------------- library
  /** const char *duckdb_library_version() */
  static final MethodHandle duckdb_library_version =
      bind("duckdb_library_version", FunctionDescriptor.of(ADDRESS));

  // ---------------------------------------------------------------- upcall signatures
  /** idx_t (*duckdb_aggregate_state_size)(duckdb_function_info info) */
  static final FunctionDescriptor STATE_SIZE = FunctionDescriptor.of(JAVA_LONG, ADDRESS);
  /** void (*duckdb_aggregate_init_t)(duckdb_function_info info, duckdb_aggregate_state state) */
  static final FunctionDescriptor INIT = voidOf(ADDRESS, ADDRESS);
  /** void (*duckdb_aggregate_update_t)(info, duckdb_data_chunk input, duckdb_aggregate_state *states) */
  static final FunctionDescriptor UPDATE = voidOf(ADDRESS, ADDRESS, ADDRESS);
  /** void (*duckdb_aggregate_combine_t)(info, duckdb_aggregate_state *source, *target, idx_t count) */
  static final FunctionDescriptor COMBINE = voidOf(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);
  /** void (*duckdb_aggregate_finalize_t)(info, duckdb_aggregate_state *source, duckdb_vector result, idx_t count, idx_t offset) */
  static final FunctionDescriptor FINALIZE = voidOf(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG);
  /** void (*duckdb_aggregate_destroy_t)(duckdb_aggregate_state *states, idx_t count) */
  static final FunctionDescriptor DESTROY = voidOf(ADDRESS, JAVA_LONG);

}

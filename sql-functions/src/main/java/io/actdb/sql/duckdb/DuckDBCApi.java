package io.actdb.sql.duckdb;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
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
  static final int TYPE_MAP = 26;
  static final int TYPE_UNION = 28;
  static final int TYPE_ARRAY = 33;
  static final int TYPE_ANY = 34;
  static final int TYPE_SQLNULL = 36;

  static final int DUCKDB_SUCCESS = 0;

  private static MethodHandle bind(
      String name, FunctionDescriptor descriptor, Linker.Option... options) {
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
    return LINKER.downcallHandle(symbol, descriptor, options);
  }

  private static FunctionDescriptor voidOf(MemoryLayout... args) {
    return FunctionDescriptor.ofVoid(args);
  }

  // ---------------------------------------------------------------- logical types
  /** duckdb_logical_type duckdb_create_logical_type(duckdb_type type) */
  static final MethodHandle duckdb_create_logical_type =
      bind("duckdb_create_logical_type", FunctionDescriptor.of(ADDRESS, JAVA_INT));

  /** duckdb_logical_type duckdb_create_list_type(duckdb_logical_type type) */
  static final MethodHandle duckdb_create_list_type =
      bind("duckdb_create_list_type", FunctionDescriptor.of(ADDRESS, ADDRESS));

  /** duckdb_logical_type duckdb_create_array_type(duckdb_logical_type type, idx_t array_size) */
  static final MethodHandle duckdb_create_array_type =
      bind("duckdb_create_array_type", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));

  /**
   * duckdb_logical_type duckdb_create_struct_type(duckdb_logical_type *types, const char **names,
   * idx_t n)
   */
  static final MethodHandle duckdb_create_struct_type =
      bind(
          "duckdb_create_struct_type", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));

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

  /** void duckdb_data_chunk_set_size(duckdb_data_chunk chunk, idx_t size) */
  static final MethodHandle duckdb_data_chunk_set_size =
      bind("duckdb_data_chunk_set_size", voidOf(ADDRESS, JAVA_LONG));

  // ---------------------------------------------------------------- vector
  /** idx_t duckdb_vector_size() */
  static final MethodHandle duckdb_vector_size =
      bind("duckdb_vector_size", FunctionDescriptor.of(JAVA_LONG));

  /**
   * void duckdb_vector_assign_string_element_len(duckdb_vector vector, idx_t index, const char
   * *str, idx_t str_len). Critical with heap access: a short copy that never calls back into Java,
   * so Java byte arrays can be passed without a native copy first.
   */
  static final MethodHandle duckdb_vector_assign_string_element_len =
      bind(
          "duckdb_vector_assign_string_element_len",
          voidOf(ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG),
          Linker.Option.critical(true));

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

  /**
   * void duckdb_aggregate_function_add_parameter(duckdb_aggregate_function f, duckdb_logical_type
   * t)
   */
  static final MethodHandle duckdb_aggregate_function_add_parameter =
      bind("duckdb_aggregate_function_add_parameter", voidOf(ADDRESS, ADDRESS));

  /**
   * void duckdb_aggregate_function_set_return_type(duckdb_aggregate_function f, duckdb_logical_type
   * t)
   */
  static final MethodHandle duckdb_aggregate_function_set_return_type =
      bind("duckdb_aggregate_function_set_return_type", voidOf(ADDRESS, ADDRESS));

  /**
   * void duckdb_aggregate_function_set_functions(f, state_size, init, update, combine, finalize)
   */
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

  /**
   * void duckdb_aggregate_function_set_extra_info(duckdb_aggregate_function f, void *extra_info,
   * duckdb_delete_callback_t destroy)
   */
  static final MethodHandle duckdb_aggregate_function_set_extra_info =
      bind("duckdb_aggregate_function_set_extra_info", voidOf(ADDRESS, ADDRESS, ADDRESS));

  /** void *duckdb_aggregate_function_get_extra_info(duckdb_function_info info) */
  static final MethodHandle duckdb_aggregate_function_get_extra_info =
      bind("duckdb_aggregate_function_get_extra_info", FunctionDescriptor.of(ADDRESS, ADDRESS));

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
      bind(
          "duckdb_add_aggregate_function_to_set",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

  /** duckdb_state duckdb_register_aggregate_function_set(duckdb_connection con, set) */
  static final MethodHandle duckdb_register_aggregate_function_set =
      bind(
          "duckdb_register_aggregate_function_set",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

  // ---------------------------------------------------------------- parser
  /**
   * idx_t duckdb_extract_statements(duckdb_connection con, const char *query,
   * duckdb_extracted_statements *out); 0 on a parse error
   */
  static final MethodHandle duckdb_extract_statements =
      bind(
          "duckdb_extract_statements", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));

  /** const char *duckdb_extract_statements_error(duckdb_extracted_statements statements) */
  static final MethodHandle duckdb_extract_statements_error =
      bind("duckdb_extract_statements_error", FunctionDescriptor.of(ADDRESS, ADDRESS));

  /** void duckdb_destroy_extracted(duckdb_extracted_statements *statements) */
  static final MethodHandle duckdb_destroy_extracted =
      bind("duckdb_destroy_extracted", voidOf(ADDRESS));

  // ---------------------------------------------------------------- value
  /** void duckdb_destroy_value(duckdb_value *value) */
  static final MethodHandle duckdb_destroy_value = bind("duckdb_destroy_value", voidOf(ADDRESS));

  /** bool duckdb_is_null_value(duckdb_value value) */
  static final MethodHandle duckdb_is_null_value =
      bind("duckdb_is_null_value", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));

  /** char *duckdb_get_varchar(duckdb_value value); the result is freed with duckdb_free */
  static final MethodHandle duckdb_get_varchar =
      bind("duckdb_get_varchar", FunctionDescriptor.of(ADDRESS, ADDRESS));

  /** int64_t duckdb_get_int64(duckdb_value value) */
  static final MethodHandle duckdb_get_int64 =
      bind("duckdb_get_int64", FunctionDescriptor.of(JAVA_LONG, ADDRESS));

  /** void duckdb_free(void *ptr) */
  static final MethodHandle duckdb_free = bind("duckdb_free", voidOf(ADDRESS));

  // ---------------------------------------------------------------- table function
  /** duckdb_table_function duckdb_create_table_function() */
  static final MethodHandle duckdb_create_table_function =
      bind("duckdb_create_table_function", FunctionDescriptor.of(ADDRESS));

  /** void duckdb_destroy_table_function(duckdb_table_function *table_function) */
  static final MethodHandle duckdb_destroy_table_function =
      bind("duckdb_destroy_table_function", voidOf(ADDRESS));

  /** void duckdb_table_function_set_name(duckdb_table_function table_function, const char *name) */
  static final MethodHandle duckdb_table_function_set_name =
      bind("duckdb_table_function_set_name", voidOf(ADDRESS, ADDRESS));

  /**
   * void duckdb_table_function_add_parameter(duckdb_table_function table_function,
   * duckdb_logical_type type)
   */
  static final MethodHandle duckdb_table_function_add_parameter =
      bind("duckdb_table_function_add_parameter", voidOf(ADDRESS, ADDRESS));

  /**
   * void duckdb_table_function_add_named_parameter(duckdb_table_function table_function, const char
   * *name, duckdb_logical_type type)
   */
  static final MethodHandle duckdb_table_function_add_named_parameter =
      bind("duckdb_table_function_add_named_parameter", voidOf(ADDRESS, ADDRESS, ADDRESS));

  /**
   * void duckdb_table_function_set_extra_info(duckdb_table_function table_function, void
   * *extra_info, duckdb_delete_callback_t destroy)
   */
  static final MethodHandle duckdb_table_function_set_extra_info =
      bind("duckdb_table_function_set_extra_info", voidOf(ADDRESS, ADDRESS, ADDRESS));

  /**
   * void duckdb_table_function_set_bind(duckdb_table_function table_function,
   * duckdb_table_function_bind_t bind)
   */
  static final MethodHandle duckdb_table_function_set_bind =
      bind("duckdb_table_function_set_bind", voidOf(ADDRESS, ADDRESS));

  /**
   * void duckdb_table_function_set_init(duckdb_table_function table_function,
   * duckdb_table_function_init_t init)
   */
  static final MethodHandle duckdb_table_function_set_init =
      bind("duckdb_table_function_set_init", voidOf(ADDRESS, ADDRESS));

  /**
   * void duckdb_table_function_set_local_init(duckdb_table_function table_function,
   * duckdb_table_function_init_t init)
   */
  static final MethodHandle duckdb_table_function_set_local_init =
      bind("duckdb_table_function_set_local_init", voidOf(ADDRESS, ADDRESS));

  /**
   * void duckdb_table_function_set_function(duckdb_table_function table_function,
   * duckdb_table_function_t function)
   */
  static final MethodHandle duckdb_table_function_set_function =
      bind("duckdb_table_function_set_function", voidOf(ADDRESS, ADDRESS));

  /**
   * void duckdb_table_function_supports_projection_pushdown(duckdb_table_function table_function,
   * bool pushdown)
   */
  static final MethodHandle duckdb_table_function_supports_projection_pushdown =
      bind("duckdb_table_function_supports_projection_pushdown", voidOf(ADDRESS, JAVA_BOOLEAN));

  /**
   * duckdb_state duckdb_register_table_function(duckdb_connection con, duckdb_table_function
   * function)
   */
  static final MethodHandle duckdb_register_table_function =
      bind("duckdb_register_table_function", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

  // ---------------------------------------------------------------- table function bind
  /** void *duckdb_bind_get_extra_info(duckdb_bind_info info) */
  static final MethodHandle duckdb_bind_get_extra_info =
      bind("duckdb_bind_get_extra_info", FunctionDescriptor.of(ADDRESS, ADDRESS));

  /**
   * void duckdb_bind_add_result_column(duckdb_bind_info info, const char *name, duckdb_logical_type
   * type)
   */
  static final MethodHandle duckdb_bind_add_result_column =
      bind("duckdb_bind_add_result_column", voidOf(ADDRESS, ADDRESS, ADDRESS));

  /** idx_t duckdb_bind_get_parameter_count(duckdb_bind_info info) */
  static final MethodHandle duckdb_bind_get_parameter_count =
      bind("duckdb_bind_get_parameter_count", FunctionDescriptor.of(JAVA_LONG, ADDRESS));

  /**
   * duckdb_value duckdb_bind_get_parameter(duckdb_bind_info info, idx_t index); destroyed with
   * duckdb_destroy_value
   */
  static final MethodHandle duckdb_bind_get_parameter =
      bind("duckdb_bind_get_parameter", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));

  /**
   * duckdb_value duckdb_bind_get_named_parameter(duckdb_bind_info info, const char *name); NULL
   * when the call did not name it, else destroyed with duckdb_destroy_value
   */
  static final MethodHandle duckdb_bind_get_named_parameter =
      bind("duckdb_bind_get_named_parameter", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

  /**
   * void duckdb_bind_set_bind_data(duckdb_bind_info info, void *bind_data, duckdb_delete_callback_t
   * destroy)
   */
  static final MethodHandle duckdb_bind_set_bind_data =
      bind("duckdb_bind_set_bind_data", voidOf(ADDRESS, ADDRESS, ADDRESS));

  /** void duckdb_bind_set_cardinality(duckdb_bind_info info, idx_t cardinality, bool is_exact) */
  static final MethodHandle duckdb_bind_set_cardinality =
      bind("duckdb_bind_set_cardinality", voidOf(ADDRESS, JAVA_LONG, JAVA_BOOLEAN));

  /** void duckdb_bind_set_error(duckdb_bind_info info, const char *error) */
  static final MethodHandle duckdb_bind_set_error =
      bind("duckdb_bind_set_error", voidOf(ADDRESS, ADDRESS));

  // ---------------------------------------------------------------- table function init
  /** void *duckdb_init_get_bind_data(duckdb_init_info info) */
  static final MethodHandle duckdb_init_get_bind_data =
      bind("duckdb_init_get_bind_data", FunctionDescriptor.of(ADDRESS, ADDRESS));

  /**
   * void duckdb_init_set_init_data(duckdb_init_info info, void *init_data, duckdb_delete_callback_t
   * destroy)
   */
  static final MethodHandle duckdb_init_set_init_data =
      bind("duckdb_init_set_init_data", voidOf(ADDRESS, ADDRESS, ADDRESS));

  /** idx_t duckdb_init_get_column_count(duckdb_init_info info) */
  static final MethodHandle duckdb_init_get_column_count =
      bind("duckdb_init_get_column_count", FunctionDescriptor.of(JAVA_LONG, ADDRESS));

  /** idx_t duckdb_init_get_column_index(duckdb_init_info info, idx_t column_index) */
  static final MethodHandle duckdb_init_get_column_index =
      bind("duckdb_init_get_column_index", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG));

  /** void duckdb_init_set_max_threads(duckdb_init_info info, idx_t max_threads) */
  static final MethodHandle duckdb_init_set_max_threads =
      bind("duckdb_init_set_max_threads", voidOf(ADDRESS, JAVA_LONG));

  /** void duckdb_init_set_error(duckdb_init_info info, const char *error) */
  static final MethodHandle duckdb_init_set_error =
      bind("duckdb_init_set_error", voidOf(ADDRESS, ADDRESS));

  // ---------------------------------------------------------------- table function execution
  /** void *duckdb_function_get_bind_data(duckdb_function_info info) */
  static final MethodHandle duckdb_function_get_bind_data =
      bind("duckdb_function_get_bind_data", FunctionDescriptor.of(ADDRESS, ADDRESS));

  /** void *duckdb_function_get_init_data(duckdb_function_info info) */
  static final MethodHandle duckdb_function_get_init_data =
      bind("duckdb_function_get_init_data", FunctionDescriptor.of(ADDRESS, ADDRESS));

  /** void *duckdb_function_get_local_init_data(duckdb_function_info info) */
  static final MethodHandle duckdb_function_get_local_init_data =
      bind("duckdb_function_get_local_init_data", FunctionDescriptor.of(ADDRESS, ADDRESS));

  /** void duckdb_function_set_error(duckdb_function_info info, const char *error) */
  static final MethodHandle duckdb_function_set_error =
      bind("duckdb_function_set_error", voidOf(ADDRESS, ADDRESS));

  // ---------------------------------------------------------------- library
  /** const char *duckdb_library_version() */
  static final MethodHandle duckdb_library_version =
      bind("duckdb_library_version", FunctionDescriptor.of(ADDRESS));

  // ---------------------------------------------------------------- upcall signatures
  /** idx_t (*duckdb_aggregate_state_size)(duckdb_function_info info) */
  static final FunctionDescriptor STATE_SIZE = FunctionDescriptor.of(JAVA_LONG, ADDRESS);

  /** void (*duckdb_aggregate_init_t)(duckdb_function_info info, duckdb_aggregate_state state) */
  static final FunctionDescriptor INIT = voidOf(ADDRESS, ADDRESS);

  /**
   * void (*duckdb_aggregate_update_t)(info, duckdb_data_chunk input, duckdb_aggregate_state
   * *states)
   */
  static final FunctionDescriptor UPDATE = voidOf(ADDRESS, ADDRESS, ADDRESS);

  /**
   * void (*duckdb_aggregate_combine_t)(info, duckdb_aggregate_state *source, *target, idx_t count)
   */
  static final FunctionDescriptor COMBINE = voidOf(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);

  /**
   * void (*duckdb_aggregate_finalize_t)(info, duckdb_aggregate_state *source, duckdb_vector result,
   * idx_t count, idx_t offset)
   */
  static final FunctionDescriptor FINALIZE =
      voidOf(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG);

  /** void (*duckdb_aggregate_destroy_t)(duckdb_aggregate_state *states, idx_t count) */
  static final FunctionDescriptor DESTROY = voidOf(ADDRESS, JAVA_LONG);

  /** void (*duckdb_table_function_bind_t)(duckdb_bind_info info) */
  static final FunctionDescriptor TABLE_BIND = voidOf(ADDRESS);

  /** void (*duckdb_table_function_init_t)(duckdb_init_info info), global and thread-local */
  static final FunctionDescriptor TABLE_INIT = voidOf(ADDRESS);

  /** void (*duckdb_table_function_t)(duckdb_function_info info, duckdb_data_chunk output) */
  static final FunctionDescriptor TABLE_FUNCTION = voidOf(ADDRESS, ADDRESS);

  /** void (*duckdb_delete_callback_t)(void *data) */
  static final FunctionDescriptor DELETE_CALLBACK = voidOf(ADDRESS);
}

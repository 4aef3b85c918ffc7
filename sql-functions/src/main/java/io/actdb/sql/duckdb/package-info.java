/**
 * Internal: the bridge from Java to DuckDB's C API through the FFM API. {@code DuckDBCApi} holds
 * every native binding (raw downcall handles named after the C functions), {@code NativeDuckDB}
 * wraps them in typed calls, and {@code AggregateBridge} runs a Java {@code AggregateFunction}
 * inside DuckDB through upcall stubs. Nothing outside this package sees a raw pointer.
 */
package io.actdb.sql.duckdb;

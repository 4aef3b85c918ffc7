/**
 * Internal: the DuckDB bridge, which runs the functions of {@code io.actdb.sql.spi} inside DuckDB
 * through its C API and the FFM API. Three layers, bottom up: {@code DuckDBCApi} holds every native
 * binding (raw downcall handles named after the C functions, package-private); {@code NativeDuckDB}
 * wraps them in typed calls that turn failures into exceptions (package-private); {@code
 * AggregateBridge} and {@code TableFunctionBridge} own the upcall stubs and implement the SPI's
 * chunk and writer interfaces over DuckDB's vectors ({@code DuckDBInputChunk}, {@code
 * DuckDBVectors}, {@code DuckDBResultWriter}, {@code DuckDBOutputChunk}), and {@code
 * DuckDBConnections} registers them on a JDBC connection. Nothing outside this package sees a raw
 * pointer, and no exception leaves an upcall.
 */
package io.actdb.sql.duckdb;

/**
 * Public: actdb's SQL functions on DuckDB, the entry points. {@link
 * io.actdb.sql.ActdbFunctions#register} registers every function on a DuckDB JDBC connection
 * ({@link io.actdb.sql.ActdbFunctions#cancellable} and {@code cancel} make {@code
 * Statement.cancel()} reach them); {@link io.actdb.sql.StoreConnections#open} opens a connection on
 * an activation store (the functions plus the store's {@code layer(...)} function and views);
 * {@link io.actdb.sql.ActivationImport} turns a Parquet or Arrow file into a store layer (here
 * because Parquet is read through DuckDB).
 *
 * <p>Below: the functions, written against the engine-neutral SPI {@code io.actdb.sql.spi} ({@code
 * cka}, {@code geometry}, {@code tables}), the SIMD {@code kernels} they run on, and the DuckDB
 * bridge {@code io.actdb.sql.duckdb}, the only code that touches DuckDB's C API. These sub-packages
 * are internal; the layering is described in {@code docs/architecture.md}.
 */
package io.actdb.sql;

/**
 * Internal: the table functions over the activation store, written against the SPI. {@link
 * io.actdb.sql.tables.LayerTable} is {@code layer(model, layer)}, {@link
 * io.actdb.sql.tables.SamplesTable} is {@code store_samples()} (behind the {@code samples} view),
 * {@link io.actdb.sql.tables.ReadArrowFile} is {@code read_arrow_file(path)}, {@link
 * io.actdb.sql.tables.LayerCkaTable} is {@code layer_cka(model_a, model_b [, split := ...])}, which
 * reads layers itself ({@link io.actdb.sql.tables.SideBySideRows}) into {@code cka_matrix}; {@link
 * io.actdb.sql.tables.ArrowFileScan} is the scan itself, for table functions that map their
 * arguments to a file whose schema they know at bind time (a store's layers), without opening it
 * until a query scans it. Connections on a store are opened by {@link
 * io.actdb.sql.StoreConnections}.
 *
 * <p>The files are read by the storage module's {@link io.actdb.storage.BatchReader} (projected,
 * checksum-checked record batches); this package maps a query's columns to file columns, runs one
 * reader per DuckDB thread over a shared list of record batches, copies fixed-width columns and
 * {@code FLOAT[d]} vectors into the engine's output chunks in bulk, and turns the reader's errors
 * into SQL errors. The benchmarks module's {@code ArrowScanBenchmark} times the scan. Everything a
 * scan opens is closed by the engine's destroy callbacks; {@link
 * io.actdb.sql.tables.ArrowFileScan#openResources()} and {@link
 * io.actdb.sql.tables.ArrowFileScan#allocatedBytes()} are the leak checks.
 */
package io.actdb.sql.tables;

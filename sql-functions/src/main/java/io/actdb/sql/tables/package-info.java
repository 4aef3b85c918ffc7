/**
 * Public: the table-function adapter between DuckDB and the activation store. {@link
 * io.actdb.sql.StoreConnections} opens connections on a store (the {@code layer(model,
 * layer)} and {@code store_samples()} table functions and the {@code samples}, {@code layers},
 * {@code activations} views); {@link io.actdb.sql.tables.ReadArrowFile} is {@code
 * read_arrow_file(path)}, registered by {@link io.actdb.sql.ActdbFunctions#register}; {@link
 * io.actdb.sql.tables.ArrowFileScan} is the scan itself, for table functions that map their
 * arguments to a file whose schema they know at bind time (a store's layers), without opening it
 * until a query scans it; {@link io.actdb.sql.tables.ActivationImport} turns a Parquet or Arrow
 * file into a store layer (here, not in the CLI, because Parquet is read by DuckDB).
 *
 * <p>The files are read by the storage module's {@link io.actdb.storage.BatchReader} (projected,
 * checksum-checked record batches); this package maps a query's columns to file columns, runs
 * one reader per DuckDB thread over a shared list of record batches, copies fixed-width columns
 * and {@code FLOAT[d]} vectors into DuckDB's vectors in bulk, and turns the reader's errors into
 * SQL errors. {@link io.actdb.sql.tables.ArrowScanBenchmark} times the scan. Everything a scan
 * opens is closed by DuckDB's destroy callbacks; {@link
 * io.actdb.sql.tables.ArrowFileScan#openResources()} and {@link
 * io.actdb.sql.tables.ArrowFileScan#allocatedBytes()} are the leak checks.
 */
package io.actdb.sql.tables;

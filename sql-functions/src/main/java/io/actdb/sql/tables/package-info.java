/**
 * Public: SQL scans over Arrow IPC files, the activation store's format. {@link
 * io.actdb.sql.tables.ReadArrowFile} is {@code read_arrow_file(path)}, registered by {@link
 * io.actdb.sql.ActdbFunctions#register}; {@link io.actdb.sql.tables.ArrowFileScan} is the scan
 * itself, for table functions that map their arguments to a file whose schema they know at bind
 * time (a store's layers), without opening it until a query scans it.
 *
 * <p>Scans run in parallel by record batch, one Arrow reader per DuckDB thread, read only the
 * columns a query uses, and copy fixed-width columns and {@code FLOAT[d]} vectors in bulk. {@link
 * io.actdb.sql.tables.ArrowScanBenchmark} times them. Everything a scan opens is closed by
 * DuckDB's destroy callbacks; {@link io.actdb.sql.tables.ArrowFileScan#openResources()} and {@link
 * io.actdb.sql.tables.ArrowFileScan#allocatedBytes()} are the leak checks.
 */
package io.actdb.sql.tables;

/**
 * Public: the activation store: a directory of Arrow IPC files (samples, and one file per model and
 * layer) described by a manifest. Writers publish atomically (temporary file, fsync, rename,
 * manifest last); readers see exactly what the manifest names. {@link io.actdb.storage.BatchReader}
 * is the one reader of Arrow IPC files in actdb (projected record batches, checked against the
 * manifest's checksums); {@link io.actdb.storage.LayerReader} and the samples reader are built on
 * it, and so are the SQL table functions. Knows nothing of DuckDB or DJL.
 */
package io.actdb.storage;

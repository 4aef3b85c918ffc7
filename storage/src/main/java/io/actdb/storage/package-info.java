/**
 * The activation store: a directory of Arrow IPC files (samples, and one file per model and
 * layer) described by a manifest. Writers publish atomically (temporary file, fsync, rename,
 * manifest last); readers see exactly what the manifest names. Knows nothing of DuckDB or DJL.
 */
package io.actdb.storage;

/**
 * Turns models and data sets into store activations. {@code data}: the data sets (IDX files, the
 * embedded Fashion-MNIST test set). Depends on {@code storage} only (and, for models, DJL).
 */
package io.actdb.extractor;

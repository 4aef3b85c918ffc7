/**
 * Data sets as sample sources: IDX image and label files, Fashion-MNIST (embedded test set,
 * Debian's full set), folders of images with one subfolder per class (ImageNet preprocessing), and
 * {@link io.actdb.extractor.data.DataSets} to pick one from the CLI's {@code --data} value. Text
 * sets are {@link io.actdb.extractor.data.TextSource}s: CSV, Parquet and JSON-lines files (read
 * with DuckDB), Debian's fortunes and WordNet, and an embedded labelled set, picked by {@link
 * io.actdb.extractor.data.TextSources}.
 */
package io.actdb.extractor.data;

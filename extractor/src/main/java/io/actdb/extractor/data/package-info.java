/** Data sets: IDX image and label files, Fashion-MNIST (embedded test set, Debian's full set). */
package io.actdb.extractor.data;

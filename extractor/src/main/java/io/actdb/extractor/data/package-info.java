/**
 * Data sets as sample sources: IDX image and label files, Fashion-MNIST (embedded test set,
 * Debian's full set), folders of images with one subfolder per class (ImageNet preprocessing), and
 * {@link io.actdb.extractor.data.DataSets} to pick one from the CLI's {@code --data} value.
 */
package io.actdb.extractor.data;

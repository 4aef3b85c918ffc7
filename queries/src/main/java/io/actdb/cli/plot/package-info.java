/**
 * Charts of query results, drawn with JFreeChart and written as PNG and SVG: {@link
 * io.actdb.cli.plot.Heatmap} draws a matrix (e.g. CKA between the layers of two models) read with
 * {@link io.actdb.cli.plot.HeatmapData#fromResultSet}. Public: {@code actdb plot} and the demo use
 * it.
 */
package io.actdb.cli.plot;

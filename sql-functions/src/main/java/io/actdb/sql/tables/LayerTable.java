package io.actdb.sql.tables;

import io.actdb.sql.spi.BoundScan;
import io.actdb.sql.spi.SqlColumn;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.TableFunction;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.Store;
import io.actdb.storage.StoreSchemas;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code layer(model, layer)}: one layer of the store a connection was opened on, as {@code
 * (sample_id BIGINT, vec FLOAT[d])} with its fixed dimension, or for a token layer (granularity
 * {@code token}) {@code (sample_id BIGINT, position INTEGER, token VARCHAR, vec FLOAT[d])}, one row
 * per token. Binding uses the manifest only; the layer's file is opened (and checked) when the
 * query runs, so a damaged file fails only the queries that read it.
 */
public final class LayerTable implements TableFunction {
  public static final String NAME = "layer";

  private final Store store;

  public LayerTable(Store store) {
    this.store = store;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<SqlType> parameters() {
    return List.of(SqlType.VARCHAR, SqlType.VARCHAR);
  }

  @Override
  public BoundScan bind(List<Object> arguments) {
    return columnsOf(entryOf(store, (String) arguments.get(0), (String) arguments.get(1)));
  }

  /** The published layer {@code model/layer}; an unknown one is an error listing the layers. */
  static LayerEntry entryOf(Store store, String model, String layer) {
    if (model == null || layer == null)
      throw new SqlFunctionException("model and layer must not be NULL");
    return store
        .manifest()
        .layer(model, layer)
        .orElseThrow(
            () ->
                new SqlFunctionException(
                    "no layer "
                        + model
                        + "/"
                        + layer
                        + " in the store "
                        + store.directory()
                        + " (it has: "
                        + (store.layers().isEmpty()
                            ? "no layers"
                            : store.layers().stream()
                                .map(LayerEntry::qualifiedName)
                                .collect(Collectors.joining(", ")))
                        + ")"));
  }

  ArrowFileScan columnsOf(LayerEntry entry) {
    return scanOf(store, entry);
  }

  /** The scan of a layer's file: its columns as {@code layer(model, layer)} shows them. */
  static ArrowFileScan scanOf(Store store, LayerEntry entry) {
    List<SqlColumn> columns =
        entry.tokenRows()
            ? List.of(
                new SqlColumn(StoreSchemas.SAMPLE_ID, SqlType.BIGINT),
                new SqlColumn(StoreSchemas.POSITION, SqlType.INTEGER),
                new SqlColumn(StoreSchemas.TOKEN, SqlType.VARCHAR),
                new SqlColumn(StoreSchemas.VEC, SqlType.floatVector(entry.dim())))
            : List.of(
                new SqlColumn(StoreSchemas.SAMPLE_ID, SqlType.BIGINT),
                new SqlColumn(StoreSchemas.VEC, SqlType.floatVector(entry.dim())));
    return ArrowFileScan.of(store.fileOf(entry), columns, "layer " + entry.qualifiedName())
        .withCardinality(entry.rows())
        .withChecksums(entry.checksums())
        .withMissingFileExplanation(() -> store.whyMissing(entry.file()));
  }
}

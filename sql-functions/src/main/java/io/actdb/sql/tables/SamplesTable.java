package io.actdb.sql.tables;

import io.actdb.sql.spi.BoundScan;
import io.actdb.sql.spi.SqlColumn;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.TableFunction;
import io.actdb.storage.SamplesEntry;
import io.actdb.storage.Store;
import java.util.List;

/**
 * {@code store_samples()}: the samples file of the store a connection was opened on, behind the
 * {@code samples} view. Binding uses the manifest only, so a missing or damaged samples file fails
 * only the queries that read it; connections still open and layers stay readable. Columns: {@code
 * sample_id, split, label, label_name, source, text}; {@code text} is NULL for samples that are not
 * texts, and in stores written before samples had text (their files lack the column).
 */
public final class SamplesTable implements TableFunction {
  public static final String NAME = "store_samples";

  static final List<SqlColumn> COLUMNS =
      List.of(
          new SqlColumn("sample_id", SqlType.BIGINT),
          new SqlColumn("split", SqlType.VARCHAR),
          new SqlColumn("label", SqlType.INTEGER),
          new SqlColumn("label_name", SqlType.VARCHAR),
          new SqlColumn("source", SqlType.VARCHAR),
          new SqlColumn("text", SqlType.VARCHAR));

  private final Store store;

  public SamplesTable(Store store) {
    this.store = store;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<SqlType> parameters() {
    return List.of();
  }

  @Override
  public BoundScan bind(List<Object> arguments) {
    SamplesEntry entry = store.manifest().samples();
    ArrowFileScan scan = ArrowFileScan.of(store.samplesFile(), COLUMNS, "samples");
    if (!entry.textColumn()) scan = scan.withAbsentColumnAsNull("text");
    return scan.withCardinality(entry.rows())
        .withChecksums(entry.checksums())
        .withMissingFileExplanation(() -> store.whyMissing(entry.file()));
  }
}

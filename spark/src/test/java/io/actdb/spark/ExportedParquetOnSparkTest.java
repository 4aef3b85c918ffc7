package io.actdb.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Parquet layout of {@code actdb export} (DuckDB's {@code COPY ... PARTITION_BY (model,
 * layer)}, names percent-encoded in the directory names) read by Spark: model and layer names come
 * back as written, hostile ones included, and so do the vectors.
 */
class ExportedParquetOnSparkTest {
  @TempDir Path dir;

  @Test
  void sparkReadsTheExportLayoutWithItsNamesAndVectors() throws Exception {
    String odd = "res/net=1 'x' 50%";
    Path out = dir.resolve("acts-parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute(
          "COPY (SELECT CASE WHEN i % 2 = 0 THEN '"
              + odd.replace("'", "''")
              + "' ELSE 'vit' END AS model, CASE WHEN i % 3 = 0 THEN 'fc' ELSE 'cls 1' END AS"
              + " layer, i::BIGINT AS sample_id, [i / 8, -i / 4, 0.5]::FLOAT[] AS vec"
              + " FROM range(60) t(i)) TO '"
              + out
              + "' (FORMAT parquet, PARTITION_BY (model, layer), OVERWRITE_OR_IGNORE)");
    }
    List<Row> rows =
        SparkVectors.readParquet(LocalSpark.get(), out.toString(), "vec")
            .selectExpr("model", "layer", "sample_id", "vec")
            .collectAsList();
    assertEquals(60, rows.size());
    Map<Long, String> names = new TreeMap<>();
    for (Row r : rows) {
      long i = r.getLong(2);
      names.put(i, r.getString(0) + "|" + r.getString(1));
      assertEquals(
          (i % 2 == 0 ? odd : "vit") + "|" + (i % 3 == 0 ? "fc" : "cls 1"), names.get(i), "" + i);
      List<Object> vec = r.getList(3);
      assertEquals(List.of(i / 8f, -i / 4f, 0.5f), vec, "" + i);
    }
  }
}

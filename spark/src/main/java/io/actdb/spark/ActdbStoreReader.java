package io.actdb.spark;

import io.actdb.storage.LayerEntry;
import io.actdb.storage.LayerReader;
import io.actdb.storage.Sample;
import io.actdb.storage.Store;
import io.actdb.storage.StoreException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * An actdb store directory as Spark DataFrames, read through the storage module's reader (the
 * checksums of every batch are checked as on DuckDB). Each layer file is read by one task, batch by
 * batch, so the store must be at the same path on every executor (a shared file system); for object
 * stores, export the store as Parquet and use {@link SparkVectors#readParquet}.
 */
public final class ActdbStoreReader {
  private ActdbStoreReader() {}

  /** {@code model, layer, sample_id, vec array<float>}: one row per sample and layer. */
  public static final StructType ACTIVATIONS =
      new StructType()
          .add("model", DataTypes.StringType, false)
          .add("layer", DataTypes.StringType, false)
          .add("sample_id", DataTypes.LongType, false)
          .add("vec", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  /** {@code sample_id, split, label, label_name, source}. */
  public static final StructType SAMPLES =
      new StructType()
          .add("sample_id", DataTypes.LongType, false)
          .add("split", DataTypes.StringType, true)
          .add("label", DataTypes.IntegerType, true)
          .add("label_name", DataTypes.StringType, true)
          .add("source", DataTypes.StringType, true);

  /**
   * The activations of every per-sample layer of the store at {@code store} (token layers, one row
   * per token, are left out), as {@link #ACTIVATIONS}.
   */
  public static Dataset<Row> activations(SparkSession spark, Path store) {
    return activations(spark, store, null);
  }

  /**
   * The activations of the per-sample layers of {@code model} (null: every model), as {@link
   * #ACTIVATIONS}.
   *
   * @throws ActdbSparkException when the store cannot be opened, or has no such model
   */
  public static Dataset<Row> activations(SparkSession spark, Path store, String model) {
    Store opened = open(store);
    List<Row> layers = new ArrayList<>();
    for (LayerEntry e : opened.layers()) {
      if (e.tokenRows() || (model != null && !e.model().equals(model))) continue;
      layers.add(RowFactory.create(e.model(), e.layer()));
    }
    if (model != null && layers.isEmpty()) {
      throw new ActdbSparkException(
          store
              + ": no per-sample layer of model "
              + model
              + "; its models are "
              + opened.manifest().models());
    }
    StructType layerSchema =
        new StructType()
            .add("model", DataTypes.StringType, false)
            .add("layer", DataTypes.StringType, false);
    return spark
        .createDataFrame(layers, layerSchema)
        .repartition(Math.max(1, layers.size()))
        .mapPartitions(new LayerRows(store.toAbsolutePath().toString()), Encoders.row(ACTIVATIONS));
  }

  /** The store's samples, as {@link #SAMPLES} (read on the driver: one small file). */
  public static Dataset<Row> samples(SparkSession spark, Path store) {
    Store opened = open(store);
    List<Row> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator()) {
      for (Sample s : opened.samples(allocator)) {
        rows.add(RowFactory.create(s.id(), s.split(), s.label(), s.labelName(), s.source()));
      }
    } catch (StoreException e) {
      throw new ActdbSparkException(e.getMessage());
    }
    return spark.createDataFrame(rows, SAMPLES);
  }

  private static Store open(Path store) {
    try {
      return Store.open(store);
    } catch (StoreException e) {
      throw new ActdbSparkException(e.getMessage());
    }
  }

  /** Reads the layers named by a partition's rows, batch by batch, on an executor. */
  private static final class LayerRows implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String store;

    LayerRows(String store) {
      this.store = store;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> layers) {
      return new Iterator<>() {
        private final Store opened = open(Path.of(store));
        private BufferAllocator allocator;
        private LayerReader reader;
        private String model;
        private String layer;
        private int row;

        @Override
        public boolean hasNext() {
          try {
            while (reader == null || row >= reader.batchRows()) {
              if (reader != null && reader.nextBatch()) {
                row = 0;
                continue;
              }
              closeReader();
              if (!layers.hasNext()) return false;
              Row next = layers.next();
              model = next.getString(0);
              layer = next.getString(1);
              allocator = new RootAllocator();
              reader = opened.openLayer(model, layer, allocator);
              row = 0;
              if (!reader.nextBatch()) closeReader();
            }
            return true;
          } catch (StoreException e) {
            closeReader();
            throw new ActdbSparkException(e.getMessage());
          }
        }

        private void closeReader() {
          if (reader != null) reader.close();
          if (allocator != null) allocator.close();
          reader = null;
          allocator = null;
        }

        @Override
        public Row next() {
          if (!hasNext()) throw new NoSuchElementException();
          float[] vec = new float[reader.dim()];
          reader.copyVector(row, vec, 0);
          return RowFactory.create(model, layer, reader.sampleId(row++), vec);
        }
      };
    }
  }
}

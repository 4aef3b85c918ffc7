package io.actdb.spark;

import io.actdb.sql.spi.ResultWriter;
import io.actdb.sql.spi.SqlType;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.catalyst.encoders.RowEncoder$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Results of the SPI functions as Spark values: the {@link SqlType} of a function maps to a Spark
 * type, and a {@link ResultWriter} records what finalize writes, read back as the value of that
 * type (Double, Long, Float, arrays, Rows for STRUCTs).
 */
final class SparkResults {
  private SparkResults() {}

  /** The Spark type of {@code type}. */
  static DataType dataType(SqlType type) {
    return switch (type) {
      case SqlType.Simple s ->
          switch (s.sqlName()) {
            case "DOUBLE" -> DataTypes.DoubleType;
            case "FLOAT" -> DataTypes.FloatType;
            case "BIGINT" -> DataTypes.LongType;
            case "INTEGER" -> DataTypes.IntegerType;
            case "BOOLEAN" -> DataTypes.BooleanType;
            case "VARCHAR" -> DataTypes.StringType;
            default -> throw new IllegalArgumentException("no Spark type for " + s.sql());
          };
      case SqlType.ListOf l -> DataTypes.createArrayType(dataType(l.child()), true);
      case SqlType.ArrayOf a -> DataTypes.createArrayType(dataType(a.child()), true);
      case SqlType.Struct st -> {
        List<StructField> fields = new ArrayList<>();
        for (SqlType.Field f : st.fields()) {
          fields.add(DataTypes.createStructField(f.name(), dataType(f.type()), true));
        }
        yield DataTypes.createStructType(fields);
      }
    };
  }

  /**
   * The encoder of a function's result of {@code type}: an optional Row for a STRUCT, else the
   * value.
   */
  @SuppressWarnings("unchecked")
  static Encoder<Object> encoder(SqlType type) {
    Encoder<?> encoder =
        switch (type) {
          // Spark's row encoder refuses a NULL row, and a NULL struct is what DuckDB gives a
          // group without a result: the row goes in an Option.
          case SqlType.Struct st ->
              new AgnosticEncoders.OptionEncoder<>(
                  RowEncoder$.MODULE$.encoderFor((StructType) dataType(st), true));
          case SqlType.Simple s when s.sqlName().equals("DOUBLE") -> Encoders.DOUBLE();
          case SqlType.Simple s when s.sqlName().equals("BIGINT") -> Encoders.LONG();
          default -> throw new IllegalArgumentException("no Spark encoder for " + type.sql());
        };
    return (Encoder<Object>) encoder;
  }

  /** A result as its {@link #encoder} takes it. */
  static Object forEncoder(Object value, SqlType type) {
    return type instanceof SqlType.Struct ? Option.apply(value) : value;
  }

  /** A writer that records one result value; {@link #value} reads it as the Spark value. */
  static final class Recorder implements ResultWriter {
    private Object scalar;
    private boolean isNull;
    private List<Recorder> fields;
    private List<Recorder> elements;

    @Override
    public void setDouble(double value) {
      scalar = value;
    }

    @Override
    public void setFloat(float value) {
      scalar = value;
    }

    @Override
    public void setLong(long value) {
      scalar = value;
    }

    @Override
    public void setNull() {
      isNull = true;
    }

    @Override
    public ResultWriter field(int index) {
      if (fields == null) fields = new ArrayList<>();
      while (fields.size() <= index) fields.add(new Recorder());
      return fields.get(index);
    }

    @Override
    public void list(int length) {
      elements = new ArrayList<>(length);
      for (int i = 0; i < length; i++) elements.add(new Recorder());
    }

    @Override
    public ResultWriter listElement(int index) {
      return elements.get(index);
    }

    /** The recorded value as a Spark value of {@code type}; null for SQL NULL. */
    Object value(SqlType type) {
      if (isNull) return null;
      return switch (type) {
        case SqlType.Struct st -> {
          Object[] values = new Object[st.fields().size()];
          for (int f = 0; f < values.length; f++) {
            Recorder field = fields == null || f >= fields.size() ? null : fields.get(f);
            values[f] = field == null ? null : field.value(st.fields().get(f).type());
          }
          yield RowFactory.create(values);
        }
        case SqlType.ListOf l -> list(l.child());
        case SqlType.ArrayOf a -> list(a.child());
        case SqlType.Simple s -> scalar;
      };
    }

    private Object list(SqlType child) {
      if (elements == null) return null;
      List<Object> out = new ArrayList<>(elements.size());
      for (Recorder e : elements) out.add(e.value(child));
      return CollectionConverters.asScala(out).toSeq();
    }
  }
}
